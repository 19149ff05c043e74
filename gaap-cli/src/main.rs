//! `gaap`: see the crate's README, or `gaap --help`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let exit = gaap_cli::run(
        std::env::args_os().skip(1).collect(),
        &mut stdout.lock(),
        &mut stderr.lock(),
    );
    ExitCode::from(exit.code())
}
