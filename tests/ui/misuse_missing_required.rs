use gaap::CreateTcpListenersRequest;
use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};

fn main() {
    // `ListenerName` is required but never set.
    let _request = CreateTcpListenersRequest::builder()
        .ports([90])
        .scheduler(Scheduler::RoundRobin)
        .health_check(HealthCheck::Enabled)
        .real_server_type(RealServerType::Ip)
        .proxy_id("link-bjkpdum1")
        .build();
}
