//! `workiz-metrics`: keeps a local copy of a Workiz account and turns it into the numbers the
//! business runs by.

mod args;
mod commands;
mod exit;
mod logging;
mod settings;

use std::process::ExitCode;

use clap::Parser;

use crate::args::{Args, Command};
use crate::exit::Failure;

// Ingest allocates and frees many small JSON values on several threads; mimalloc does that with a
// fraction of glibc's cost (malloc was a fifth of a sync's CPU profile).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args = match Args::try_parse() {
        Ok(args) => args,
        Err(e) => {
            // clap prints help and version to stdout with exit 0, usage errors to stderr with 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { exit::USAGE } else { 0 });
        }
    };
    logging::init(&args.global);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(exit::FAILED);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(),
    }
}

async fn run(args: Args) -> Result<(), Failure> {
    match args.command {
        Command::Simulate(simulate) => commands::simulate::run(simulate).await,
        Command::Sync(sync) => commands::sync::run(&args.global, sync).await,
        Command::Status(status) => commands::status::run(&args.global, status).await,
        Command::Report(report) => commands::report::run(&args.global, report).await,
        Command::Import(import) => commands::import::run(&args.global, import).await,
        Command::Serve(serve) => commands::serve::run(&args.global, serve).await,
        Command::Demo(demo) => commands::demo::run(&args.global, demo).await,
    }
}
