//! A real HTTP/1.1 server on 127.0.0.1 for tests: each test scripts the answers, and the
//! server records every request (time, method, target, headers, body) so pacing and headers
//! can be checked afterwards.
//!
//! One thread accepts connections and one thread serves each connection (keep-alive is
//! honoured). Dropping the [`Server`] closes the listener and every open connection and waits
//! for all of these threads to end.

use std::collections::HashMap;
use std::io::{self, BufRead, BufReader, Write};
use std::net::Shutdown;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    /// When the request head was read.
    pub at: Instant,
    /// `GET`, `POST`.
    pub method: String,
    /// Path and query, exactly as sent.
    pub target: String,
    /// Header names lower-cased (the last value wins when a header is repeated).
    pub headers: HashMap<String, String>,
    /// The request body (read by `Content-Length`; empty when there is none).
    pub body: Vec<u8>,
}

impl Seen {
    /// The path part of the target (before `?`).
    pub fn path(&self) -> &str {
        self.target.split_once('?').map_or(&self.target, |(p, _)| p)
    }

    /// The raw query string (after `?`), if any.
    pub fn query(&self) -> Option<&str> {
        self.target.split_once('?').map(|(_, q)| q)
    }

    /// A header by lower-case name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(String::as_str)
    }
}

/// What to answer.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body bytes.
    pub body: Vec<u8>,
    /// Wait this long before answering.
    pub delay: Option<Duration>,
    /// Advertise the full length but send only this many bytes, then close.
    pub cut_at: Option<usize>,
    /// Send no Content-Length (the body ends when the connection closes).
    pub no_length: bool,
    /// Send the body with `Transfer-Encoding: chunked` in chunks of this many bytes (no
    /// Content-Length).
    pub chunked: Option<usize>,
    /// Advertise this `Content-Length` whatever the body's real length, send the whole body,
    /// then close (a lying server).
    pub claimed_length: Option<usize>,
    /// Write the body one byte at a time with this pause before each byte.
    pub drip: Option<Duration>,
}

impl Reply {
    /// A reply with a status, a content type and a body.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Reply {
        Reply {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            ..Default::default()
        }
    }

    /// A reply with a status, no headers and no body (e.g. `304`).
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            ..Default::default()
        }
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The first value of a header, by case-insensitive name.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = dyn Fn(&Seen, usize) -> Reply + Send + Sync;

/// A running server. Dropping it closes the listener and every open connection (an answer
/// being written or paused is cut off) and waits for the server's threads to end: once the drop
/// returns, the port refuses connections and no handler runs.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub origin: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    addr: SocketAddr,
    stop: Arc<Stop>,
    accept: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<Connection>>>,
}

/// An open connection: a handle to shut it down and the thread serving it.
struct Connection {
    stream: TcpStream,
    thread: JoinHandle<()>,
}

/// The stop flag, with a condition variable so paused answers wake when it is set.
#[derive(Default)]
struct Stop {
    stopped: Mutex<bool>,
    changed: Condvar,
}

impl Stop {
    fn is_set(&self) -> bool {
        *lock(&self.stopped)
    }

    fn set(&self) {
        *lock(&self.stopped) = true;
        self.changed.notify_all();
    }

    /// Waits `d`, or less when the server stops; true when it stopped.
    fn pause(&self, d: Duration) -> bool {
        let guard = lock(&self.stopped);
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, d, |stopped| !*stopped)
            .unwrap_or_else(|e| e.into_inner());
        *guard
    }
}

impl Server {
    /// Starts a server on a free port answering with `handler(request, index of this
    /// request)`. Panics if no port can be bound (tests only).
    pub fn start(handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static) -> Server {
        Server::start_on(0, handler).expect("bind 127.0.0.1")
    }

    /// Starts a server on `127.0.0.1:port` (`0` picks a free port).
    pub fn start_on(
        port: u16,
        handler: impl Fn(&Seen, usize) -> Reply + Send + Sync + 'static,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(("127.0.0.1", port))?;
        let addr = listener.local_addr()?;
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let stop: Arc<Stop> = Arc::default();
        let connections: Arc<Mutex<Vec<Connection>>> = Arc::default();
        let handler: Arc<Handler> = Arc::new(handler);
        let log = seen.clone();
        let stopping = stop.clone();
        let open = connections.clone();
        let accept = thread::spawn(move || {
            for stream in listener.incoming() {
                if stopping.is_set() {
                    return;
                }
                let Ok(stream) = stream else { continue };
                let Ok(handle) = stream.try_clone() else {
                    continue;
                };
                let handler = handler.clone();
                let log = log.clone();
                let stop = stopping.clone();
                let thread = thread::spawn(move || {
                    let end = stream.try_clone();
                    serve(stream, &*handler, &log, &stop);
                    // The server keeps a handle to every connection (to end it on drop), so
                    // dropping this one alone would not close it: end it explicitly.
                    if let Ok(end) = end {
                        let _ = end.shutdown(Shutdown::Both);
                    }
                });
                let mut open = lock(&open);
                // Finished connections need no joining: forget them as new ones come.
                open.retain(|c| !c.thread.is_finished());
                open.push(Connection {
                    stream: handle,
                    thread,
                });
            }
        });
        Ok(Server {
            origin: format!("http://{addr}"),
            seen,
            addr,
            stop,
            accept: Some(accept),
            connections,
        })
    }

    /// The bound port.
    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// Every request so far, in arrival order.
    pub fn seen(&self) -> Vec<Seen> {
        lock(&self.seen).clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.set();
        // Wake the accept loop so it sees the flag; a listener that cannot be reached has
        // already ended its loop, or would never return from it, so it is not waited for.
        let woken = TcpStream::connect(self.addr).is_ok();
        if let Some(accept) = self.accept.take() {
            if woken {
                let _ = accept.join();
            }
        }
        // The listener is closed; now end every connection and wait for its thread.
        let open = std::mem::take(&mut *lock(&self.connections));
        for c in &open {
            let _ = c.stream.shutdown(Shutdown::Both);
        }
        for c in open {
            let _ = c.thread.join();
        }
    }
}

/// Locks a mutex, ignoring poisoning (a panicking test thread must not wedge the server).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

fn serve(stream: TcpStream, handler: &Handler, log: &Mutex<Vec<Seen>>, stop: &Stop) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_nodelay(true);
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        let Some(request) = read_request(&mut reader) else {
            return;
        };
        let client_closes = request
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let head_only = request.method == "HEAD";
        let index = {
            let mut log = lock(log);
            log.push(request.clone());
            log.len() - 1
        };
        let reply = handler(&request, index);
        let keep_open = write_reply(&mut writer, &reply, head_only, stop).unwrap_or(false);
        if !keep_open || client_closes {
            return;
        }
    }
}

/// Reads one request; `None` when the connection ends or the request is unreadable.
fn read_request(reader: &mut impl BufRead) -> Option<Seen> {
    let mut line = String::new();
    if reader.read_line(&mut line).ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let target = parts.next().unwrap_or("").to_string();
    let mut headers = HashMap::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h).ok()? == 0 {
            return None;
        }
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        if let Some((k, v)) = h.split_once(':') {
            headers.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; length];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        at: Instant::now(),
        method,
        target,
        headers,
        body,
    })
}

/// The standard reason phrase of a status code.
pub fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

/// Writes a reply; `Ok(true)` when the connection may carry another request.
fn write_reply(w: &mut TcpStream, reply: &Reply, head_only: bool, stop: &Stop) -> io::Result<bool> {
    if let Some(d) = reply.delay {
        if stop.pause(d) {
            return Ok(false);
        }
    }
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (k, v) in &reply.headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    let close;
    if let Some(claimed) = reply.claimed_length {
        head.push_str(&format!("Content-Length: {claimed}\r\n"));
        close = true;
    } else if reply.chunked.is_some() {
        head.push_str("Transfer-Encoding: chunked\r\n");
        close = reply.cut_at.is_some();
    } else if reply.no_length {
        close = true;
    } else {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
        close = reply.cut_at.is_some();
    }
    if close {
        head.push_str("Connection: close\r\n");
    }
    head.push_str("\r\n");
    w.write_all(head.as_bytes())?;
    if head_only {
        w.flush()?;
        return Ok(!close);
    }
    let body = match reply.cut_at {
        Some(n) => &reply.body[..n.min(reply.body.len())],
        None => &reply.body[..],
    };
    match (reply.chunked, reply.drip) {
        (Some(size), _) => {
            for chunk in body.chunks(size.max(1)) {
                w.write_all(format!("{:x}\r\n", chunk.len()).as_bytes())?;
                w.write_all(chunk)?;
                w.write_all(b"\r\n")?;
            }
            if reply.cut_at.is_none() {
                w.write_all(b"0\r\n\r\n")?;
            }
        }
        (None, Some(pause)) => {
            for byte in body {
                if stop.pause(pause) {
                    return Ok(false);
                }
                w.write_all(std::slice::from_ref(byte))?;
                w.flush()?;
            }
        }
        (None, None) => w.write_all(body)?,
    }
    w.flush()?;
    Ok(!close)
}
