//! Who holds the sync lease, and whether that holder is still alive.

/// `host:pid:nonce`: enough to tell, on the same host, that the holder's process is gone.
pub(crate) fn holder_id() -> String {
    let nonce =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{}:{}:{nonce:08x}", hostname(), std::process::id())
}

fn hostname() -> String {
    std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".to_owned())
}

/// A holder on this host whose process no longer exists is dead; on another host only the
/// lease's expiry can tell.
pub(crate) fn is_dead(holder: &str) -> bool {
    let mut parts = holder.split(':');
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else { return false };
    if host != hostname() || !cfg!(target_os = "linux") {
        return false;
    }
    pid.parse::<u32>().is_ok_and(|pid| !std::path::Path::new(&format!("/proc/{pid}")).exists())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_own_process_is_alive_and_a_finished_one_is_not() {
        assert!(!is_dead(&holder_id()));
        let mut child = std::process::Command::new("true").spawn().expect("spawn");
        let pid = child.id();
        child.wait().expect("wait");
        if cfg!(target_os = "linux") {
            assert!(is_dead(&format!("{}:{pid}:0", hostname())));
        }
        assert!(!is_dead(&format!("elsewhere:{pid}:0")));
    }
}
