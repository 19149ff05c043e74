// Generated types are `#[non_exhaustive]`, so that the API can document a new field without
// breaking user code: outside the crate they are built with their builders (requests, object
// types of requests) or read (responses), never written as struct literals.
fn main() {
    let _filter = gaap::types::Filter {
        name: "RealServerIP".to_owned(),
        values: Vec::new(),
    };
    let _response = gaap::CreateTcpListenersResponse {
        listener_ids: Vec::new(),
        request_id: String::new(),
    };
}
