//! `assess --batch --jobs N`: the batch on several threads, with the same
//! bytes out as one thread, in input order, in constant memory.
//!
//! One thread reads whole lines into chunks of about [`CHUNK`] bytes,
//! `N - 1` workers (one at least) assess the lines of a chunk into the
//! chunk's own output buffer, and the calling thread writes the chunks back
//! in input order and, whenever none is ready to write, assesses a chunk
//! itself: a writer that only waited would be woken for every chunk and
//! take turns on the cores with the workers (two jobs gave 1.81x one job's
//! throughput so, 1.88x with the writer's help, in paired runs). A fixed
//! set of chunks goes round (read, assessed, written, read again), so at
//! most that many are ever held, and their buffers are reused.

use std::collections::BTreeMap;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread;

use super::{BLOCK, MAX_LINE_BYTES, Options, Summary, Work};
use crate::lines::{self, Line};
use crate::triage::rulebase::RuleBase;

/// Chunks in flight per job: enough that workers never wait on the
/// reader or the writer, few enough that memory stays small.
const CHUNKS_PER_JOB: usize = 3;

/// The input a chunk takes, about. Its results are about twelve times
/// larger on a realistic stream, so memory grows with it (about 5 MB a job
/// at 64 KiB); but each chunk passed between threads wakes one, and at
/// 16 KiB the switching cost two jobs a sixth of their throughput (1.64x
/// one job's against 1.91x at 64 KiB, on 2 cores).
const CHUNK: usize = 64 * 1024;

/// Where one input line lies in its chunk's `input`, or that it was longer
/// than [`MAX_LINE_BYTES`] (and was dropped).
#[derive(Debug, Clone, Copy)]
enum Span {
    Text { start: usize, end: usize },
    TooLong,
}

/// A run of whole input lines and, once assessed, their output.
#[derive(Debug, Default)]
struct Chunk {
    /// Its place in the input: chunks are written in this order.
    seq: u64,
    /// The input line number of its first line.
    first_line: u64,
    input: Vec<u8>,
    lines: Vec<Span>,
    output: Vec<u8>,
    summary: Summary,
}

/// What the reader hands the workers, who pass it on to the writer.
enum Job {
    Chunk(Chunk),
    /// The input ended after `chunks` chunks, or failed (`error`).
    End {
        chunks: u64,
        error: Option<io::Error>,
    },
    /// A worker could not write a result.
    Failed(io::Error),
    /// The writer is done: a worker stops.
    Stop,
}

/// Assesses every line of `input` on `jobs` threads (`jobs - 1` workers,
/// one at least, and the calling thread), writing exactly what
/// [`super::run`] writes. The input is read on a thread of its own,
/// which is left to finish on its own if writing fails (it may be waiting
/// on a terminal or a pipe that never ends), hence `'static`.
pub fn run_jobs<R: Read + Send + 'static, W: Write>(
    rb: &RuleBase,
    input: R,
    output: W,
    options: Options,
    jobs: usize,
) -> io::Result<Summary> {
    let jobs = jobs.max(1);
    let (work_tx, work_rx) = mpsc::channel::<Job>();
    let (done_tx, done_rx) = mpsc::channel::<Job>();
    let (free_tx, free_rx) = mpsc::channel::<Chunk>();
    for _ in 0..jobs * CHUNKS_PER_JOB {
        // The receiver is still here: this cannot fail.
        let _ = free_tx.send(Chunk::default());
    }
    let reader_tx = work_tx.clone();
    thread::spawn(move || read_chunks(input, &free_rx, &reader_tx));
    let work_rx = Mutex::new(work_rx);
    // The calling thread writes and, while nothing is ready to write,
    // assesses too: so N jobs are N - 1 workers and it.
    let workers = jobs.saturating_sub(1).max(1);
    thread::scope(|s| {
        for _ in 0..workers {
            let work_rx = &work_rx;
            let done_tx = done_tx.clone();
            s.spawn(move || assess_chunks(rb, options, work_rx, &done_tx));
        }
        drop(done_tx);
        // Done, failed or panicking: the workers stop, whatever is still
        // queued (the scope waits for them before it returns or unwinds).
        let _stop = StopWorkers {
            work: &work_tx,
            workers,
        };
        let mut helper = Work::new(rb, options);
        write_chunks(output, &done_rx, &free_tx, || help(&mut helper, &work_rx))
    })
}

/// Sends each worker [`Job::Stop`] when dropped, on every way out of the
/// writer, a panic included.
struct StopWorkers<'a> {
    work: &'a Sender<Job>,
    workers: usize,
}

impl Drop for StopWorkers<'_> {
    fn drop(&mut self) {
        for _ in 0..self.workers {
            let _ = self.work.send(Job::Stop);
        }
    }
}

/// The writer's help: a job taken from the queue, if one is waiting and no
/// worker is waiting for it, and done on the spot (a chunk assessed).
/// `None` when there is nothing to take.
fn help(work: &mut Work<'_>, queue: &Mutex<Receiver<Job>>) -> Option<Job> {
    // A worker holds the lock while it waits for a job: then none is waiting.
    let job = queue.try_lock().ok()?.try_recv().ok()?;
    Some(work_on(work, job))
}

/// What a job becomes for the writer: a chunk assessed (or the error that
/// stopped it); anything else passes on as it is.
fn work_on(work: &mut Work<'_>, job: Job) -> Job {
    match job {
        Job::Chunk(mut chunk) => match assess(work, &mut chunk) {
            Ok(()) => Job::Chunk(chunk),
            Err(error) => Job::Failed(error),
        },
        other => other,
    }
}

/// The reader: fills chunks with whole lines, as long as the writer gives
/// chunks back, and ends with [`Job::End`].
fn read_chunks<R: Read>(input: R, free: &Receiver<Chunk>, work: &Sender<Job>) {
    let mut reader = BufReader::with_capacity(BLOCK, input);
    let mut long = Vec::new();
    let mut seq = 0;
    let mut next_line = 1;
    let error = loop {
        // No chunk back: the writer has stopped.
        let Ok(mut chunk) = free.recv() else { return };
        chunk.seq = seq;
        chunk.first_line = next_line;
        chunk.input.clear();
        chunk.lines.clear();
        let filled = fill(&mut reader, &mut chunk, &mut long);
        next_line += chunk.lines.len() as u64;
        if !chunk.lines.is_empty() {
            seq += 1;
            if work.send(Job::Chunk(chunk)).is_err() {
                return;
            }
        }
        match filled {
            Ok(true) => {}
            Ok(false) => break None,
            Err(e) => break Some(e),
        }
    };
    let _ = work.send(Job::End { chunks: seq, error });
}

/// Reads whole lines into `chunk` until it holds about [`CHUNK`] bytes or
/// no more input is waiting (so a pipeline's lines go out promptly).
/// False at the end of the input.
fn fill<R: Read>(
    reader: &mut BufReader<R>,
    chunk: &mut Chunk,
    long: &mut Vec<u8>,
) -> io::Result<bool> {
    loop {
        let buffered = lines::fill_buf(reader)?;
        if buffered.is_empty() {
            return Ok(false);
        }
        // The whole lines that fit in the chunk (at least one), copied at once.
        let window = &buffered[..buffered.len().min(CHUNK.saturating_sub(chunk.input.len()))];
        let last = memchr::memrchr(b'\n', window).or_else(|| memchr::memchr(b'\n', buffered));
        if let Some(last) = last {
            let base = chunk.input.len();
            chunk.input.extend_from_slice(&buffered[..=last]);
            let mut start = base;
            for end in memchr::memchr_iter(b'\n', &chunk.input[base..]) {
                chunk.lines.push(Span::Text {
                    start,
                    end: base + end,
                });
                start = base + end + 1;
            }
            reader.consume(last + 1);
        } else {
            // A line that crosses the end of the buffer: read with the cap.
            match lines::read_line_capped(reader, long, MAX_LINE_BYTES, usize::MAX)? {
                Line::TooLong | Line::Endless => chunk.lines.push(Span::TooLong),
                Line::Eof => return Ok(false),
                Line::Whole => {
                    let start = chunk.input.len();
                    chunk.input.extend_from_slice(long);
                    chunk.input.push(b'\n');
                    chunk.lines.push(Span::Text {
                        start,
                        end: start + long.len(),
                    });
                }
            }
        }
        if chunk.input.len() >= CHUNK || reader.buffer().is_empty() {
            return Ok(true);
        }
    }
}

/// A worker: assesses the lines of each chunk into its output and passes
/// everything on to the writer, until told to stop.
fn assess_chunks(rb: &RuleBase, options: Options, work: &Mutex<Receiver<Job>>, done: &Sender<Job>) {
    let _failed = ReportPanic(done);
    let mut state = Work::new(rb, options);
    loop {
        // A poisoned lock means another worker panicked: that panic is
        // reported when the scope ends.
        let job = match work.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let job = match job {
            Ok(Job::Stop) | Err(_) => return,
            Ok(job) => work_on(&mut state, job),
        };
        if done.send(job).is_err() {
            return;
        }
    }
}

/// Tells the writer when a worker dies in a panic: its chunk is lost, and
/// while other workers live the writer would otherwise wait for that chunk
/// forever. The writer then stops everything and the panic comes through.
struct ReportPanic<'a>(&'a Sender<Job>);

impl Drop for ReportPanic<'_> {
    fn drop(&mut self) {
        if thread::panicking() {
            let _ = self
                .0
                .send(Job::Failed(io::Error::other("a batch worker stopped")));
        }
    }
}

/// Assesses one chunk, as [`super::run`] would its lines.
fn assess(work: &mut Work<'_>, chunk: &mut Chunk) -> io::Result<()> {
    chunk.output.clear();
    chunk.summary = Summary::default();
    for (i, span) in chunk.lines.iter().enumerate() {
        let bytes = match *span {
            Span::Text { start, end } => Some(&chunk.input[start..end]),
            Span::TooLong => None,
        };
        let n = chunk.first_line + i as u64;
        work.line(bytes, n, &mut chunk.output, &mut chunk.summary)?;
    }
    Ok(())
}

/// The writer: writes chunks in input order as they are assessed and gives
/// each back to the reader, until every chunk read is written. While none
/// is ready it takes on work itself through `help`, and waits only when
/// there is none (or a worker is already waiting for the next).
fn write_chunks<W: Write>(
    mut output: W,
    done: &Receiver<Job>,
    free: &Sender<Chunk>,
    mut help: impl FnMut() -> Option<Job>,
) -> io::Result<Summary> {
    let mut summary = Summary::default();
    let mut waiting: BTreeMap<u64, Chunk> = BTreeMap::new();
    let mut next = 0;
    let mut end: Option<u64> = None;
    let mut failed = None;
    while end != Some(next) {
        let job = match done.try_recv() {
            Ok(job) => Ok(job),
            Err(mpsc::TryRecvError::Disconnected) => Err(mpsc::RecvError),
            Err(mpsc::TryRecvError::Empty) => match help() {
                Some(job) => Ok(job),
                None => done.recv(),
            },
        };
        match job {
            Ok(Job::Chunk(chunk)) => {
                waiting.insert(chunk.seq, chunk);
            }
            // Reading failed: what was read before is still written.
            Ok(Job::End { chunks, error }) => {
                end = Some(chunks);
                failed = error;
            }
            Ok(Job::Failed(e)) => return Err(e),
            Ok(Job::Stop) => {}
            // Every worker gone without an end: one panicked.
            Err(_) => return Err(io::Error::other("a batch worker stopped")),
        }
        write_ready(&mut output, &mut waiting, &mut next, &mut summary, free)?;
    }
    if let Some(e) = failed {
        return Err(e);
    }
    Ok(summary)
}

/// Writes the chunks that are next in order, as many as are ready.
fn write_ready<W: Write>(
    output: &mut W,
    waiting: &mut BTreeMap<u64, Chunk>,
    next: &mut u64,
    summary: &mut Summary,
    free: &Sender<Chunk>,
) -> io::Result<()> {
    while let Some(chunk) = waiting.remove(next) {
        output.write_all(&chunk.output)?;
        output.flush()?;
        summary.add(&chunk.summary);
        *next += 1;
        // The reader may have stopped: then the chunk is simply dropped.
        let _ = free.send(chunk);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn rb() -> &'static RuleBase {
        crate::embedded::for_tests()
    }

    /// Input that arrives a few bytes at a time, as from a pipe.
    struct Trickle {
        data: Vec<u8>,
        at: usize,
        sizes: Vec<usize>,
        turn: usize,
    }

    impl Read for Trickle {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let size = self.sizes[self.turn % self.sizes.len()];
            self.turn += 1;
            let n = size.min(buf.len()).min(self.data.len() - self.at);
            buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    /// Input lines of every sort: results, errors, blanks, CRLF.
    fn line(kind: u8, i: usize) -> String {
        match kind % 8 {
            0 => format!("{{\"id\":{i},\"answers\":{{\"saddle_numbness\":\"yes\"}}}}\n"),
            1 => format!("{{\"id\":{i},\"answers\":{{\"fever\":\"maybe\"}}}}\n"),
            2 => "\n".to_owned(),
            3 => format!("{{\"id\":{i},\"answers\":{{\"age\":40}}}}\r\n"),
            4 => "not json\n".to_owned(),
            5 => format!(
                "{{\"id\":\"{}\",\"answers\":{{\"lower_back_pain\":\"yes\",\"days\":3}}}}\n",
                "x".repeat(i % 3000)
            ),
            _ => format!(
                "{{\"id\":{i},\"answers\":{{\"lower_back_pain\":\"yes\",\"lifting_or_strain\":\"yes\",\"age\":34}}}}\n"
            ),
        }
    }

    fn both(input: &[u8], sizes: Vec<usize>, jobs: usize, options: Options) -> (Vec<u8>, Vec<u8>) {
        let mut one = Vec::new();
        let one_summary = super::super::run(rb(), input, &mut one, options).expect("runs");
        let trickle = Trickle {
            data: input.to_vec(),
            at: 0,
            sizes,
            turn: 0,
        };
        let mut many = Vec::new();
        let many_summary = run_jobs(rb(), trickle, &mut many, options, jobs).expect("runs");
        assert_eq!(one_summary, many_summary);
        (one, many)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        /// Any mix of lines, read in any pieces, on any number of jobs: the
        /// same bytes and the same counts as one job.
        #[test]
        fn jobs_write_what_one_job_writes(
            kinds in prop::collection::vec(any::<u8>(), 0..600),
            sizes in prop::collection::vec(1usize..100_000, 1..8),
            jobs in 1usize..5,
            last_newline in any::<bool>(),
            explain in any::<bool>(),
            compact in any::<bool>(),
        ) {
            let mut input: String = kinds.iter().enumerate().map(|(i, &k)| line(k, i)).collect();
            if !last_newline {
                input.pop();
            }
            let (one, many) = both(input.as_bytes(), sizes, jobs, Options { explain, compact });
            prop_assert!(one == many, "outputs differ");
        }
    }

    #[test]
    fn lines_over_the_cap_and_across_chunks_come_out_in_order() {
        let mut input = String::new();
        for i in 0..400 {
            input.push_str(&line(i as u8, i));
            if i % 97 == 0 {
                // Over the 1 MiB cap, and crossing many read blocks.
                input.push_str(&format!("{{\"id\":\"{}\"}}\n", "y".repeat(MAX_LINE_BYTES)));
            }
        }
        let (one, many) = both(
            input.as_bytes(),
            vec![BLOCK, 7, 100_000],
            3,
            Options::default(),
        );
        assert_eq!(one.iter().filter(|&&b| b == b'\n').count(), 405);
        assert!(one == many, "outputs differ");
    }

    /// A reader that fails after some lines.
    struct Failing(Vec<u8>, usize);

    impl Read for Failing {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.1 >= self.0.len() {
                return Err(io::Error::other("the disk went away"));
            }
            let n = buf.len().min(self.0.len() - self.1).min(1000);
            buf[..n].copy_from_slice(&self.0[self.1..self.1 + n]);
            self.1 += n;
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_comes_after_every_line_read_before_it() {
        let input: String = (0..300).map(|i| line(6, i)).collect();
        let mut out = Vec::new();
        let error = run_jobs(
            rb(),
            Failing(input.clone().into_bytes(), 0),
            &mut out,
            Options::default(),
            2,
        )
        .expect_err("the read error is returned");
        assert_eq!(error.to_string(), "the disk went away");
        assert_eq!(
            out.iter().filter(|&&b| b == b'\n').count(),
            300,
            "every line read was written"
        );
    }

    /// Output that takes a few writes and then fails, as a closed pipe does.
    struct Closing(usize);

    impl Write for Closing {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::ErrorKind::BrokenPipe.into());
            }
            self.0 -= 1;
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// Input without end, as from `yes`.
    struct Endless;

    impl Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let line = b"{\"id\":1,\"answers\":{\"fever\":\"no\"}}\n";
            let n = buf.len() / line.len() * line.len();
            for piece in buf[..n].chunks_mut(line.len()) {
                piece.copy_from_slice(line);
            }
            Ok(n)
        }
    }

    /// A worker that dies in a panic tells the writer so.
    #[test]
    fn a_panicking_worker_reports_its_failure() {
        let (tx, rx) = mpsc::channel::<Job>();
        let died = thread::spawn(move || {
            let _failed = ReportPanic(&tx);
            panic!("a bug in an assessment");
        })
        .join();
        assert!(died.is_err());
        assert!(
            matches!(rx.recv(), Ok(Job::Failed(_))),
            "the writer is told"
        );
        // A worker that stops normally says nothing.
        let (tx, rx) = mpsc::channel::<Job>();
        drop(ReportPanic(&tx));
        drop(tx);
        assert!(rx.recv().is_err());
    }

    /// Output whose first write panics, as a bug would.
    struct Panicking;

    impl Write for Panicking {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            panic!("a bug in the output");
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    /// A panic on the writing thread (which also assesses) must reach the
    /// caller, not leave the workers waiting for work forever.
    #[test]
    fn a_panic_on_the_writing_thread_stops_the_workers() {
        let input: Vec<u8> = (0..2000).flat_map(|i| line(6, i).into_bytes()).collect();
        let outcome = std::panic::catch_unwind(|| {
            run_jobs(
                rb(),
                io::Cursor::new(input),
                Panicking,
                Options::default(),
                2,
            )
        });
        assert!(outcome.is_err(), "the panic comes through");
    }

    #[test]
    fn a_failed_write_stops_every_thread_though_input_never_ends() {
        let error = run_jobs(rb(), Endless, Closing(3), Options::default(), 2)
            .expect_err("the write error is returned");
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
