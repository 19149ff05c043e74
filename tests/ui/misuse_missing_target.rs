use gaap::CreateTcpListenersRequest;
use gaap::create_tcp_listeners::{HealthCheck, RealServerType, Scheduler};

fn main() {
    // Neither `ProxyId` nor `GroupId` is set: the API needs exactly one.
    let _request = CreateTcpListenersRequest::builder()
        .listener_name("test1")
        .ports([90])
        .scheduler(Scheduler::RoundRobin)
        .health_check(HealthCheck::Enabled)
        .real_server_type(RealServerType::Ip)
        .build();
}
