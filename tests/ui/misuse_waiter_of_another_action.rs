// A waiter polls the action it was generated for: DescribeProxies' waiter cannot poll with a
// DescribeProxyDetail request.
async fn run(client: &gaap::Client) {
    let request = gaap::DescribeProxyDetailRequest::builder()
        .proxy_id("link-bjkpdum1")
        .build();
    let _ = client.wait(gaap::describe_proxies::PROXY_RUNNING, request).await;
}

fn main() {
    let _ = run;
}
