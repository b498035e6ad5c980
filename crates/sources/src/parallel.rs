//! Independent jobs run on as many threads as the machine has (the files
//! of a load are parsed this way), their answers kept in the jobs' order.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `jobs.iter().map(f).collect()`, on up to
/// [`std::thread::available_parallelism`] threads: each thread takes the
/// next job not yet taken, so a large file does not hold up the small ones
/// queued behind it. Every job runs (an error in one does not stop the
/// others), and the answers come back in the jobs' order, so the first
/// error in that order is the one reported. A panic in a job is raised
/// again here.
pub(crate) fn map<J: Sync, R: Send>(jobs: &[J], f: impl Fn(&J) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(jobs.len());
    if threads <= 1 {
        return jobs.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let (next, f) = (&next, &f);
    let mut answers: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(move || {
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, Ordering::Relaxed);
                        let Some(job) = jobs.get(k) else { break };
                        done.push((k, f(job)));
                    }
                    done
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    answers.sort_by_key(|(k, _)| *k);
    answers.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn answers_come_back_in_the_jobs_order() {
        let jobs: Vec<u64> = (0..200).collect();
        let out = super::map(&jobs, |&j| {
            // uneven work, so that threads finish out of order
            std::thread::sleep(std::time::Duration::from_micros((200 - j) * 10));
            if j % 7 == 3 { Err(j) } else { Ok(j * 2) }
        });
        assert_eq!(out.len(), 200);
        assert_eq!(out.iter().position(Result::is_err), Some(3));
        assert!(out.iter().enumerate().all(|(k, r)| *r == if k % 7 == 3 { Err(k as u64) } else { Ok(k as u64 * 2) }));
        assert!(super::map(&[] as &[u8], |_| 0).is_empty());
    }
}
