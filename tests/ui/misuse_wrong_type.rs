use gaap::CreateTcpListenersRequest;

fn main() {
    // `DelayLoop` is an integer number of seconds, not text.
    let _builder = CreateTcpListenersRequest::builder().delay_loop("20");
}
