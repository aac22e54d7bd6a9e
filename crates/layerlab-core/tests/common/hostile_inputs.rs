//! Hostile Dockerfiles the simulator must survive quickly and explain: shared
//! by the tests (`tests/hostile.rs`, what each reports) and the benchmark
//! (`benches/hostile.rs`, how long each takes).

/// `(name, Dockerfile)` pairs.
pub fn cases() -> Vec<(&'static str, String)> {
    vec![
        (
            "endless_loop",
            "FROM alpine:3.19\nRUN while true; do :; done\n".into(),
        ),
        ("fork_bomb", "FROM alpine:3.19\nRUN :(){ :|:& };:\n".into()),
        (
            "dd_100_gb",
            "FROM debian:bookworm-slim\nRUN dd if=/dev/zero of=/big bs=1M count=100000\n".into(),
        ),
        (
            "fallocate_50_gb",
            "FROM debian:bookworm-slim\nRUN fallocate -l 50G /big\n".into(),
        ),
        ("ten_thousand_runs", ten_thousand_runs()),
        ("one_mb_heredoc", one_mb_heredoc()),
        (
            "doubling_value",
            "FROM alpine:3.19\nRUN x=a; while true; do x=$x$x; done\n".into(),
        ),
    ]
}

/// 10,000 RUN lines, each writing a file.
pub fn ten_thousand_runs() -> String {
    let mut text = String::from("FROM alpine:3.19\n");
    for i in 0..10_000 {
        text.push_str(&format!("RUN echo {i} > /f{}\n", i % 50));
    }
    text
}

/// A RUN heredoc of about 1 MB: a script of 16,000 lines appending to a file.
pub fn one_mb_heredoc() -> String {
    let mut text = String::from("FROM alpine:3.19\nRUN <<EOF\n");
    let mut i = 0;
    while text.len() < 1_000_000 {
        text.push_str(&format!(
            "echo 'line {i} of a long generated script, padded to be wide' >> /log\n"
        ));
        i += 1;
    }
    text.push_str("EOF\n");
    text
}
