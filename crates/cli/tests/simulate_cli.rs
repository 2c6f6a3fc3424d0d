//! `workiz-metrics simulate` as a separate process, answered like the real API on loopback.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A plain HTTP/1.0 GET, so the test sees exactly what a curl user would.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").expect("send");
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("read");
    let status = response.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let body = response.split_once("\r\n\r\n").map(|(_, b)| b.to_owned()).unwrap_or_default();
    (status, body)
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port")
}

#[test]
fn simulate_answers_like_the_real_api() {
    let port = free_port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_workiz-metrics"))
        .args(["simulate", "--bind", &addr, "--days", "20", "--last-day", "2026-11-30", "--rate-limit", "5"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let stdout = child.stdout.take().expect("stdout");
    let _running = Running(child);
    let mut token = None;
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if let Some(rest) = line.strip_prefix("token:") {
            token = Some(rest.trim().to_owned());
            break;
        }
    }
    let token = token.expect("simulate prints its token");
    assert!(token.starts_with("api_") && token.len() == 36, "{token}");

    let (status, body) = get(&addr, "/api/v1/api_wrongtoken/job/all/");
    assert_eq!(status, 403);
    let error: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(error["message"], "Invalid API path or malformed API key.");

    let (status, body) = get(&addr, &format!("/api/v1/{token}/job/all/?start_date=2026-11-20&only_open=false"));
    assert_eq!(status, 200);
    let page: serde_json::Value = serde_json::from_str(&body).expect("json");
    assert_eq!(page["flag"], true);
    assert!(page["data"].as_array().is_some_and(|d| !d.is_empty()));
    assert!(page["has_more"].is_boolean());

    let (_, body) = get(&addr, &format!("/api/v1/{token}/payments/"));
    assert_eq!(body, "Invalid end point");
    // Two requests so far count against the limit of five; the sixth is throttled.
    for _ in 0..3 {
        assert_eq!(get(&addr, &format!("/api/v1/{token}/team/all/")).0, 200);
    }
    let (status, body) = get(&addr, &format!("/api/v1/{token}/team/all/"));
    assert_eq!(status, 429, "{body}");
}

#[test]
fn bad_flags_exit_with_a_usage_error_naming_the_flag() {
    let output = Command::new(env!("CARGO_BIN_EXE_workiz-metrics"))
        .args(["simulate", "--last-day", "30/11/2026"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--last-day") && stderr.contains("YYYY-MM-DD"), "{stderr}");
}
