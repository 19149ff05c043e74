use gaap::CreateTcpListenersRequest;
use gaap::create_tcp_listeners::Scheduler;

fn main() {
    // The documented schedulers are rr, wrr, lc and lrtt; there is no "random".
    let _builder = CreateTcpListenersRequest::builder().scheduler(Scheduler::Random);
}
