//! Exit codes and how a failure is reported.

use std::io::ErrorKind;
use std::process::ExitCode;

/// The operation failed (network, database, Workiz refused).
pub const FAILED: u8 = 1;
/// Bad flags, settings or input file: fix the command or the configuration.
pub const USAGE: u8 = 2;
/// Another sync of the same account holds the lock: try again later.
pub const BUSY: u8 = 3;
/// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const INTERRUPTED: u8 = 130;

/// An error on its way out of `main`, with the exit code it deserves.
#[derive(Debug)]
pub struct Failure {
    pub code: u8,
    pub error: anyhow::Error,
}

impl Failure {
    pub fn usage(error: impl Into<anyhow::Error>) -> Self {
        Self { code: USAGE, error: error.into() }
    }

    pub fn failed(error: impl Into<anyhow::Error>) -> Self {
        Self { code: FAILED, error: error.into() }
    }

    /// Prints the error with its causes. A closed stdout (`| head`) is a quiet success.
    pub fn report(self) -> ExitCode {
        let broken_pipe = self
            .error
            .chain()
            .any(|cause| cause.downcast_ref::<std::io::Error>().is_some_and(|e| e.kind() == ErrorKind::BrokenPipe));
        if broken_pipe {
            return ExitCode::SUCCESS;
        }
        eprintln!("error: {:#}", self.error);
        ExitCode::from(self.code)
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Self::failed(error)
    }
}
