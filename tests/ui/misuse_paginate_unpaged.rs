// DescribeProxyDetail answers one proxy: it does not page, so it has no paginator.
async fn run(client: &gaap::Client) {
    let request = gaap::DescribeProxyDetailRequest::builder()
        .proxy_id("link-bjkpdum1")
        .build();
    let _pages = client.paginate(request);
}

fn main() {
    let _ = run;
}
