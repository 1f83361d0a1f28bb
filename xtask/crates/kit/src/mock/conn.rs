//! Accepting connections and closing the ones that stall: a client that opens a connection and
//! never finishes its request head, and a keep-alive connection left idle, are both closed after
//! a stated timeout, so a test run (or a hostile client) cannot pin the server's sockets.
//!
//! Connections are served by hyper's HTTP/1 connection builder. Hyper's own
//! `header_read_timeout` starts whenever a connection waits for a head, idle keep-alive included,
//! so it cannot tell "slow head" from "idle"; a small watchdog per connection does, from the
//! times the socket last read and wrote and whether a request is in flight.

use super::Handler;
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::Mutex;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{oneshot, watch};

/// The largest request head accepted (hyper answers 431 beyond it); bodies stream through and
/// are bounded by the body limit instead.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The connection timeouts.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// How long a client has, from the connection or its first byte of a request, to complete
    /// the request head.
    pub head_timeout: Duration,
    /// How long a connection may sit with no request in flight and no bytes moving.
    pub idle_timeout: Duration,
}

/// What the watchdog knows about one connection.
#[derive(Debug)]
struct Activity {
    /// When bytes last moved either way.
    last: Instant,
    /// When the head now being read started (the accept, or the first byte after an answer).
    head_started: Option<Instant>,
    /// Requests being answered.
    in_flight: usize,
}

type Shared = Arc<Mutex<Activity>>;

fn lock(a: &Shared) -> std::sync::MutexGuard<'_, Activity> {
    a.lock().unwrap_or_else(|e| e.into_inner())
}

/// A socket that records its activity for the watchdog.
struct Tracked {
    inner: TcpStream,
    activity: Shared,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            let mut a = lock(&self.activity);
            a.last = Instant::now();
            if a.in_flight == 0 && a.head_started.is_none() {
                a.head_started = Some(a.last);
            }
        }
        result
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        let result = Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(result, Poll::Ready(Ok(n)) if n > 0) {
            lock(&self.activity).last = Instant::now();
        }
        result
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Accepts connections until `stop` fires (or its sender is dropped), then asks every open
/// connection to finish its request in flight and close, and waits for them.
pub(super) async fn accept_loop(
    listener: TcpListener,
    handler: Handler,
    limits: Limits,
    mut stop: oneshot::Receiver<()>,
) -> std::io::Result<()> {
    let (close_tx, close_rx) = watch::channel(false);
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stop => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    connections.spawn(serve_connection(stream, handler.clone(), limits, close_rx.clone()));
                }
                // Out of descriptors, or a peer that reset during the handshake: the server
                // stays up and tries again shortly.
                Err(_) => tokio::time::sleep(Duration::from_millis(10)).await,
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    let _ = close_tx.send(true);
    while connections.join_next().await.is_some() {}
    Ok(())
}

/// Why the watchdog ends a connection, if it does.
fn expired(a: &Activity, limits: Limits, now: Instant) -> bool {
    if a.in_flight > 0 {
        return false;
    }
    match a.head_started {
        Some(start) => now.duration_since(start) >= limits.head_timeout,
        None => now.duration_since(a.last) >= limits.idle_timeout,
    }
}

async fn serve_connection(
    stream: TcpStream,
    handler: Handler,
    limits: Limits,
    mut close: watch::Receiver<bool>,
) {
    let now = Instant::now();
    let activity: Shared = Arc::new(Mutex::new(Activity {
        last: now,
        head_started: Some(now),
        in_flight: 0,
    }));
    let io = TokioIo::new(Tracked {
        inner: stream,
        activity: activity.clone(),
    });
    let in_service = activity.clone();
    let service =
        hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
            let handler = handler.clone();
            let activity = in_service.clone();
            async move {
                {
                    let mut a = lock(&activity);
                    a.in_flight += 1;
                    a.head_started = None;
                }
                let response = handler.call(request.map(axum::body::Body::new)).await;
                {
                    let mut a = lock(&activity);
                    a.in_flight -= 1;
                    a.last = Instant::now();
                }
                Ok::<_, Infallible>(response)
            }
        });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .max_buf_size(MAX_HEAD_BYTES)
        .serve_connection(io, service);
    tokio::pin!(connection);
    let period = limits
        .head_timeout
        .min(limits.idle_timeout)
        .div_f64(4.0)
        .max(Duration::from_millis(5));
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            // Errors are the peer's (a reset, a malformed head hyper already answered 400 to).
            _ = connection.as_mut() => return,
            changed = close.changed() => {
                if changed.is_err() || *close.borrow() {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.as_mut().await;
                    return;
                }
            }
            _ = tick.tick() => {
                if expired(&lock(&activity), limits, Instant::now()) {
                    // Dropping the connection closes the socket.
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_slow_head_and_an_idle_connection_expire_but_a_request_in_flight_does_not() {
        let limits = Limits {
            head_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
        };
        let t0 = Instant::now();
        let mut a = Activity {
            last: t0,
            head_started: Some(t0),
            in_flight: 0,
        };
        assert!(!expired(&a, limits, t0 + Duration::from_secs(9)));
        assert!(expired(&a, limits, t0 + Duration::from_secs(10)));
        a.head_started = None;
        assert!(!expired(&a, limits, t0 + Duration::from_secs(29)));
        assert!(expired(&a, limits, t0 + Duration::from_secs(30)));
        a.in_flight = 1;
        assert!(!expired(&a, limits, t0 + Duration::from_secs(300)));
    }
}
