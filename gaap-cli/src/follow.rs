//! `--wait` and `--all-pages`: following an action past its first answer, with the waiters and
//! paginators generated from its spec and the runtime's `Client::wait` and `Client::paginate`.
//!
//! A waiter belongs to the Describe action that polls a resource (`DescribeProxies` has
//! `ProxyRunning`), so `--wait` repeats the command it is given, as tccli's `--waiter` does: the
//! first poll is the command itself.

use std::any::Any;
use std::future::Future;
use std::io::Write;
use std::pin::Pin;

use gaap::{Action, Client, PageSpec, Paginated, PaginatedVisitor, WaitError};
use serde::Serialize;
use serde_json::Value;

use crate::cli::{OutputFormat, seconds};
use crate::exit::{Exit, Failure};
use crate::output::{self, Ordered};

/// How a `--wait` runs and prints.
pub struct Wait<'a> {
    /// The waiter's name (`ProxyRunning`).
    pub name: &'a str,
    /// `--wait-timeout`, in seconds.
    pub timeout: Option<f64>,
    /// `--wait-interval`, in seconds.
    pub interval: Option<f64>,
    pub format: OutputFormat,
    pub filter: Option<&'a str>,
}

impl Wait<'_> {
    /// Polls `request` with the action's waiter until it succeeds; the last answer, rendered.
    /// Progress goes to `err`.
    ///
    /// # Errors
    ///
    /// Usage for an unknown waiter or a bad duration; [`Exit::WaitTimedOut`] when the maximum
    /// wait passes, [`Exit::WaitFailed`] when a failure state is reached; a poll's own failure
    /// with its exit code.
    pub async fn run<A>(
        &self,
        client: &Client,
        request: A,
        err: &mut dyn Write,
    ) -> Result<String, Failure>
    where
        A: Action + Clone,
        A::Response: Serialize,
    {
        let names = || {
            A::WAITERS
                .iter()
                .map(|w| w.name)
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut waiter = A::waiter(self.name).ok_or_else(|| {
            Failure::usage(format!(
                "--wait {}: {} has no such waiter; its waiters are {}",
                self.name,
                A::ACTION,
                names()
            ))
        })?;
        if let Some(timeout) = self.timeout {
            waiter = waiter.with_max_wait(seconds("--wait-timeout", timeout)?);
        }
        if let Some(interval) = self.interval {
            let interval = seconds("--wait-interval", interval)?;
            waiter = waiter.with_delays(interval, interval);
        }
        let _ = writeln!(
            err,
            "gaap: waiting for {} with {} (at most {:.1} s)",
            waiter.name,
            A::ACTION,
            waiter.max_wait.as_secs_f64()
        );
        let started = tokio::time::Instant::now();
        let deadline = started.checked_add(waiter.max_wait);
        let mut polls = 0;
        // Called by the waiter once after each poll that did not settle it, before its delay:
        // the jitter it asks for is the place to report progress.
        let progress = || {
            polls += 1;
            let unit = fastrand::f64();
            let delay = waiter.delay(polls, unit);
            let next = match deadline {
                Some(deadline) if tokio::time::Instant::now() + delay >= deadline => {
                    "no time is left for another poll".to_owned()
                }
                _ => format!("next poll in {:.1} s", delay.as_secs_f64()),
            };
            let _ = writeln!(err, "gaap: {}: poll {polls}: not yet; {next}", waiter.name);
            unit
        };
        match client.wait_with_jitter(waiter, request, progress).await {
            Ok(waited) => {
                let _ = writeln!(
                    err,
                    "gaap: {}: {} after {} poll(s), {:.1} s",
                    waiter.name,
                    waited.observed,
                    waited.polls,
                    waited.waited.as_secs_f64()
                );
                match waited.into_response() {
                    Some(response) => output::render(&response, self.format, self.filter),
                    // A waiter that succeeds on an error code (the resource is gone) has no
                    // answer to print.
                    None => Ok(String::new()),
                }
            }
            Err(error @ WaitError::TimedOut { .. }) => Err(Failure::new(
                Exit::WaitTimedOut,
                format!("{error}; --wait-timeout SECONDS waits longer"),
            )),
            Err(error @ WaitError::Failed { .. }) => {
                Err(Failure::new(Exit::WaitFailed, error.to_string()))
            }
            Err(WaitError::Poll { waiter, error, .. }) => {
                let mut failure = Failure::of_call(error);
                failure.message = format!("waiter {waiter} could not poll: {}", failure.message);
                Err(failure)
            }
            Err(other) => Err(Failure::new(Exit::Internal, other.to_string())),
        }
    }
}

/// Every page of `request`'s action, merged into one answer: the items of all pages in their
/// member, the other members (the total among them) as the last page has them.
///
/// # Errors
///
/// Usage for an action that does not page; the first failing page's failure.
pub async fn all_pages<A>(client: &Client, request: A, json: &Value) -> Result<Ordered, Failure>
where
    A: Action,
    A::Response: Serialize,
{
    let visitor = AllPages {
        client,
        request: Box::new(request),
        json,
    };
    let Some(pages) = A::visit_paginated(visitor) else {
        return Err(Failure::usage(format!(
            "--all-pages: {} does not page",
            A::ACTION
        )));
    };
    let (spec, pages) = pages.await?;
    let mut items = Vec::new();
    let mut merged = Ordered::Object(Vec::new());
    for page in pages {
        // `visit_paginated` calls the visitor with the action's own type: `P` is `A`.
        let page = page.downcast::<A::Response>().map_err(|_| {
            Failure::new(
                Exit::Internal,
                "a page is not the action's answer".to_owned(),
            )
        })?;
        merged = Ordered::of(&*page)?;
        if let Some(Ordered::Array(list)) = merged
            .member_mut(spec.items)
            .map(|slot| std::mem::replace(slot, Ordered::Leaf(Value::Null)))
        {
            items.extend(list);
        }
    }
    match merged.member_mut(spec.items) {
        Some(slot) => *slot = Ordered::Array(items),
        None => {
            if let Ordered::Object(members) = &mut merged {
                members.push((spec.items.to_owned(), Ordered::Array(items)));
            }
        }
    }
    Ok(merged)
}

type Pages = Result<(PageSpec, Vec<Box<dyn Any>>), Failure>;

/// Reaches the paginator of an action known by its request type only: the pages come back
/// type-erased, to be read as the action's answers by the caller, which knows that they
/// serialize.
struct AllPages<'a> {
    client: &'a Client,
    request: Box<dyn Any>,
    json: &'a Value,
}

impl<'a> PaginatedVisitor for AllPages<'a> {
    type Output = Pin<Box<dyn Future<Output = Pages> + 'a>>;

    fn visit<P: Paginated>(self) -> Self::Output {
        Box::pin(async move {
            let request = self.request.downcast::<P>().map_err(|_| {
                Failure::new(
                    Exit::Internal,
                    "the request is not the paged action's".to_owned(),
                )
            })?;
            let mut pages = self.client.paginate(*request);
            // tccli users page with --Limit: it is the page size here.
            if let Some(limit) = self.json.get(P::PAGES.limit).and_then(Value::as_u64) {
                pages = pages.page_size(limit);
            }
            let mut all: Vec<Box<dyn Any>> = Vec::new();
            while let Some(page) = pages.next().await {
                all.push(Box::new(page.map_err(Failure::of_call)?));
            }
            Ok((P::PAGES, all))
        })
    }
}
