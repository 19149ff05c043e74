use gaap::CreateTcpListenersRequest;

fn main() {
    // `ProxyId` and `GroupId` exclude each other.
    let _builder = CreateTcpListenersRequest::builder()
        .proxy_id("link-bjkpdum1")
        .group_id("lg-bjkpdum1");
}
