//! Paginators: every page of a paged `Describe*` action, as a stream.
//!
//! `gaap_api!` implements [`Paginated`] on the request of each action whose spec has a
//! `pagination` block (which members are the offset, the limit, the total and the items, and the
//! documented maximum page size). [`Client::paginate`] turns a request into a [`Paginator`], a
//! `Stream` of pages; [`Paginator::items`] flattens it into a `Stream` of items. Each page is one
//! [`Client::send`], so it retries as any call does and, on a client built with
//! [`rate_limit(true)`](crate::ClientBuilder::rate_limit), keeps under the action's documented
//! rate limit: many pages in a row are spaced out rather than refused.
//!
//! # When the collection changes while paging
//!
//! GAAP pages by offset: page `n` is "the items from position `offset` on" of the collection as
//! it is when that page is asked for. An item created or deleted before the current position
//! between two pages shifts everything after it: a creation makes the next page repeat the last
//! item of the previous one, a deletion makes it skip one item. Listings ordered newest first
//! (`DescribeProxies` by default) see every creation at the front. The paginator does not hide
//! this (it has no notion of identity): a caller who needs each item once while others write
//! removes duplicates by id, and one who needs a consistent snapshot compares
//! [`Paginator::total`] before and after.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures_core::Stream;

use crate::action::Action;
use crate::client::Client;
use crate::error::Error;

/// The names and page sizes of a paged action, as its spec's `pagination` block says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PageSpec {
    /// The request parameter holding the offset (`Offset`).
    pub offset: &'static str,
    /// The request parameter holding the page size (`Limit`).
    pub limit: &'static str,
    /// The response field holding the number of items in all (`TotalCount`).
    pub total: &'static str,
    /// The response field holding the items of a page (`ProxySet`).
    pub items: &'static str,
    /// The largest page size the action takes: documented, or where the documentation gives
    /// none, the spec's choice (its `sources` say why).
    pub max_page_size: u64,
    /// The page size the action uses when the request gives none.
    pub default_page_size: u64,
}

impl PageSpec {
    /// A page spec (for generated code; the fields are public to read).
    pub const fn new(
        offset: &'static str,
        limit: &'static str,
        total: &'static str,
        items: &'static str,
        max_page_size: u64,
        default_page_size: u64,
    ) -> Self {
        PageSpec {
            offset,
            limit,
            total,
            items,
            max_page_size,
            default_page_size,
        }
    }
}

/// A request of an action that pages by offset and limit. Implemented by `gaap_api!` for every
/// action whose spec has a `pagination` block.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is the request of an action that does not page",
    label = "no paginator: the action's spec has no `pagination` block",
    note = "the paged actions have `Offset`, `Limit` and `TotalCount`; see `Paginated`'s implementors"
)]
pub trait Paginated: Action + Clone {
    /// One item of a page (`ProxyInfo`).
    type Item: Send + 'static;
    /// The members and page sizes.
    const PAGES: PageSpec;

    /// The request's offset, if it sets one: where paging starts.
    fn offset(&self) -> Option<u64>;
    /// Sets the offset.
    fn set_offset(&mut self, offset: u64);
    /// Sets the page size.
    fn set_limit(&mut self, limit: u64);
    /// The number of items in all, as the response says (`None` when it cannot say: a negative
    /// or absent count of an optional field).
    fn total(response: &Self::Response) -> Option<u64>;
    /// The items of a page.
    fn items(response: &Self::Response) -> &[Self::Item];
    /// The items of a page, taken out of the response.
    fn into_items(response: Self::Response) -> Vec<Self::Item>;
}

/// Code that works on any paged action, chosen at run time: [`Action::visit_paginated`] calls
/// it with the request type when the action pages (the command line's `--all-pages` reaches the
/// paginator this way from a name).
pub trait PaginatedVisitor {
    /// What the visit produces.
    type Output;
    /// Called with the request type of a paged action.
    fn visit<P: Paginated>(self) -> Self::Output;
}

type PageFuture<A> = Pin<
    Box<dyn Future<Output = Result<<A as Action>::Response, Error<<A as Action>::Error>>> + Send>,
>;

/// Every page of a paged action: a `Stream` of `Result<Response, Error>`, from
/// [`Client::paginate`].
///
/// Pages are asked for one at a time, each once the previous one is consumed, from the request's
/// own `Offset` (or 0), at the largest page size the action takes unless
/// [`page_size`](Self::page_size) says otherwise: the paginator sets `Offset` and `Limit` of each
/// page itself, whatever the request held. The
/// stream ends after the page that reaches the response's total count; where the response has
/// no usable total, after a short (or empty) page. It ends after an error, which it yields.
///
/// See the [module documentation](self) for what happens when the collection changes while
/// paging.
#[must_use = "a paginator does nothing until its pages are asked for"]
pub struct Paginator<A: Paginated> {
    client: Client,
    request: A,
    page_size: u64,
    next_offset: u64,
    pages: u32,
    total: Option<u64>,
    done: bool,
    in_flight: Option<PageFuture<A>>,
}

// Nothing is pinned structurally: the future in flight is boxed.
impl<A: Paginated> Unpin for Paginator<A> {}

impl<A: Paginated> fmt::Debug for Paginator<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Paginator")
            .field("action", &A::ACTION)
            .field("page_size", &self.page_size)
            .field("next_offset", &self.next_offset)
            .field("pages", &self.pages)
            .field("total", &self.total)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// Every page of `request`'s action, as a [`Paginator`] (a `Stream` of pages; `.items()` for
    /// a `Stream` of items).
    ///
    /// ```no_run
    /// # use gaap_runtime::Client;
    /// # gaap_runtime::gaap_api!("../specs/DescribeTCPListeners.json");
    /// # async fn run(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    /// let request = DescribeTcpListenersRequest::builder().proxy_id("link-m9w1a7ok").build();
    /// let mut listeners = client.paginate(request).items();
    /// while let Some(listener) = listeners.next().await {
    ///     println!("{}", listener?.listener_id);
    /// }
    /// # Ok(()) }
    /// # fn main() {}
    /// ```
    pub fn paginate<A: Paginated>(&self, request: A) -> Paginator<A> {
        let page_size = A::PAGES.max_page_size;
        let next_offset = request.offset().unwrap_or(0);
        Paginator {
            client: self.clone(),
            request,
            page_size,
            next_offset,
            pages: 0,
            total: None,
            done: false,
            in_flight: None,
        }
    }
}

impl<A: Paginated> Paginator<A> {
    /// Pages of `size` items (at least 1) rather than the largest the action takes. A size above
    /// the action's maximum is sent as asked, and the client's validation refuses it where the
    /// spec records the maximum as a range.
    pub fn page_size(mut self, size: u64) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// The number of pages received so far.
    pub fn pages(&self) -> u32 {
        self.pages
    }

    /// The total count of the last page received, if it had a usable one.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// The next page, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<A::Response, Error<A::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// The items of every page, one at a time.
    pub fn items(self) -> Items<A> {
        Items {
            pages: self,
            buffered: VecDeque::new(),
        }
    }

    /// Sends the request for the next page.
    fn start_page(&mut self) -> PageFuture<A> {
        let mut request = self.request.clone();
        request.set_offset(self.next_offset);
        request.set_limit(self.page_size);
        let client = self.client.clone();
        Box::pin(async move { client.send(request).await })
    }

    /// Moves past `page`, and decides whether another follows.
    fn record(&mut self, page: &A::Response) {
        self.pages += 1;
        let received = A::items(page).len() as u64;
        self.next_offset = self.next_offset.saturating_add(received);
        // A total of 0 beside a page of items is no usable total (a field the server left out
        // reads as 0): the short-page rule decides then.
        self.total = A::total(page).filter(|total| *total > 0 || received == 0);
        self.done = received == 0
            || match self.total {
                Some(total) => self.next_offset >= total,
                None => received < self.page_size,
            };
    }
}

impl<A: Paginated> Stream for Paginator<A> {
    type Item = Result<A::Response, Error<A::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        if this.done {
            return Poll::Ready(None);
        }
        let mut in_flight = match this.in_flight.take() {
            Some(future) => future,
            None => this.start_page(),
        };
        match in_flight.as_mut().poll(cx) {
            Poll::Pending => {
                this.in_flight = Some(in_flight);
                Poll::Pending
            }
            Poll::Ready(Ok(page)) => {
                this.record(&page);
                Poll::Ready(Some(Ok(page)))
            }
            Poll::Ready(Err(error)) => {
                this.done = true;
                Poll::Ready(Some(Err(error)))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        if self.done { (0, Some(0)) } else { (0, None) }
    }
}

/// The items of every page of a paged action: a `Stream` of `Result<Item, Error>`, from
/// [`Paginator::items`]. Ends after the last item of the last page, or after an error, which it
/// yields.
#[must_use = "a paginator does nothing until its items are asked for"]
pub struct Items<A: Paginated> {
    pages: Paginator<A>,
    buffered: VecDeque<A::Item>,
}

impl<A: Paginated> Unpin for Items<A> {}

impl<A: Paginated> fmt::Debug for Items<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Items")
            .field("pages", &self.pages)
            .field("buffered", &self.buffered.len())
            .finish()
    }
}

impl<A: Paginated> Items<A> {
    /// The next item, or `None` after the last one (or after an error).
    pub async fn next(&mut self) -> Option<Result<A::Item, Error<A::Error>>> {
        std::future::poll_fn(|cx| Pin::new(&mut *self).poll_next(cx)).await
    }

    /// Every item, or the first error.
    ///
    /// # Errors
    ///
    /// The error of the first page that failed.
    pub async fn collect(mut self) -> Result<Vec<A::Item>, Error<A::Error>> {
        let mut all = Vec::new();
        while let Some(item) = self.next().await {
            all.push(item?);
        }
        Ok(all)
    }

    /// The pages behind the items: how many were received, the last total.
    pub fn pages(&self) -> &Paginator<A> {
        &self.pages
    }
}

impl<A: Paginated> Stream for Items<A> {
    type Item = Result<A::Item, Error<A::Error>>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if let Some(item) = this.buffered.pop_front() {
                return Poll::Ready(Some(Ok(item)));
            }
            match Pin::new(&mut this.pages).poll_next(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => return Poll::Ready(None),
                Poll::Ready(Some(Err(error))) => return Poll::Ready(Some(Err(error))),
                Poll::Ready(Some(Ok(page))) => this.buffered.extend(A::into_items(page)),
            }
        }
    }
}
