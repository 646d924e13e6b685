//! Keys from files (PEM, DER, JWK, JWKS), reloaded on SIGHUP and when a file changes.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use edjwt::KeySet;
use tokio::task::JoinHandle;

use crate::error::LoadError;
use crate::key_store::{KeyStore, MAX_KEYS};

/// Default interval between checks of the files' size and modification time.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Key files watched for changes: build with [`new`](Self::new), start with
/// [`start`](Self::start).
///
/// Every file is read at start (an unusable file is an error then); afterwards the set is
/// read again, whole, when any file's size, modification time or inode changes (checked
/// every [`poll_interval`](Self::poll_interval)) and on SIGHUP (unix). A reload that fails
/// (a file missing, half-written, holding a private key, ...) is logged with its reason
/// and the last good keys stay in use.
#[derive(Clone, Debug)]
#[must_use]
pub struct FileSource {
    paths: Vec<PathBuf>,
    interval: Duration,
    sighup: bool,
}

impl FileSource {
    /// The files, read in order into one key set of at most [`MAX_KEYS`] keys.
    pub fn new<P: Into<PathBuf>>(paths: impl IntoIterator<Item = P>) -> Self {
        FileSource {
            paths: paths.into_iter().map(Into::into).collect(),
            interval: DEFAULT_POLL_INTERVAL,
            sighup: true,
        }
    }

    /// How often to check the files for changes ([`DEFAULT_POLL_INTERVAL`]).
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// Whether SIGHUP reloads the files (default on; unix only). Installing the handler
    /// replaces SIGHUP's default action, which terminates the process.
    pub fn sighup(mut self, on: bool) -> Self {
        self.sighup = on;
        self
    }

    /// Loads the files into `store` and starts watching them on the current tokio runtime.
    ///
    /// # Errors
    /// The first file that cannot be read or holds no usable key; nothing is started.
    ///
    /// # Panics
    /// Outside a tokio runtime (as `tokio::spawn`).
    pub fn start(self, store: &Arc<KeyStore>) -> Result<FileWatcher, LoadError> {
        // Fingerprints first: a write landing during the read shows as a change later.
        let seen = self.paths.iter().map(|p| fingerprint(p)).collect();
        // Read before registering, so a failed start leaves the store as it was.
        let keys = read(&self.paths).inspect_err(|error| {
            store.reload_failures.increment();
            tracing::warn!(file = error.origin(), reason = error.code(), %error, "key files not loaded");
        })?;
        let watch = Arc::new(Watch {
            part: store.add_source(),
            store: Arc::clone(store),
            seen: Mutex::new(seen),
            paths: self.paths,
        });
        watch.publish(keys)?;
        #[cfg(unix)]
        let hangup = if self.sighup {
            let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
                .map_err(|e| LoadError::new("SIGHUP", crate::error::LoadErrorKind::Io(e)))?;
            Some(signal)
        } else {
            None
        };
        let task_watch = Arc::clone(&watch);
        let interval = self.interval;
        let task = tokio::spawn(async move {
            #[cfg(unix)]
            let mut hangup = hangup;
            let mut tick = tokio::time::interval(interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            tick.tick().await;
            loop {
                #[cfg(unix)]
                let signalled = async {
                    match hangup.as_mut() {
                        Some(signal) => signal.recv().await,
                        None => std::future::pending().await,
                    }
                };
                #[cfg(not(unix))]
                let signalled = std::future::pending::<Option<()>>();
                tokio::select! {
                    _ = tick.tick() => {
                        if task_watch.changed() {
                            tracing::info!("key file changed: reloading");
                            let _ = task_watch.reload();
                        }
                    }
                    _ = signalled => {
                        tracing::info!("SIGHUP: reloading key files");
                        let _ = task_watch.reload();
                    }
                }
            }
        });
        Ok(FileWatcher { watch, task })
    }
}

/// A running [`FileSource`]. Dropping it leaves the watch running for the life of the
/// runtime; [`stop`](Self::stop) ends it (the loaded keys stay in the store).
#[derive(Debug)]
pub struct FileWatcher {
    watch: Arc<Watch>,
    task: JoinHandle<()>,
}

impl FileWatcher {
    /// Reads the files now (as SIGHUP does) and returns how many keys they hold.
    ///
    /// # Errors
    /// The first file that cannot be read or holds no usable key (the last good keys stay).
    pub fn reload(&self) -> Result<usize, LoadError> {
        self.watch.reload()
    }

    /// Stops watching.
    pub fn stop(self) {
        self.task.abort();
    }
}

/// What identifies a file's content without reading it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Fingerprint {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

fn fingerprint(path: &std::path::Path) -> Option<Fingerprint> {
    let metadata = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
    #[cfg(not(unix))]
    let inode = 0;
    Some(Fingerprint {
        len: metadata.len(),
        modified: metadata.modified().ok(),
        inode,
    })
}

#[derive(Debug)]
struct Watch {
    paths: Vec<PathBuf>,
    store: Arc<KeyStore>,
    part: usize,
    /// The files' fingerprints when last read (successfully or not), so a broken file is
    /// reported once, not at every poll.
    seen: Mutex<Vec<Option<Fingerprint>>>,
}

impl Watch {
    fn fingerprints(&self) -> Vec<Option<Fingerprint>> {
        self.paths.iter().map(|p| fingerprint(p)).collect()
    }

    fn changed(&self) -> bool {
        let now = self.fingerprints();
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) != now
    }

    /// Reads every file into a new set and publishes it, or logs why not. The fingerprints
    /// are taken before reading, so a write that lands during the read shows as a change at
    /// the next poll.
    fn reload(&self) -> Result<usize, LoadError> {
        *self.seen.lock().unwrap_or_else(PoisonError::into_inner) = self.fingerprints();
        let keys = read(&self.paths);
        self.publish_result(keys)
    }

    /// Publishes keys read at start-up.
    fn publish(&self, keys: KeySet<MAX_KEYS>) -> Result<usize, LoadError> {
        self.publish_result(Ok(keys))
    }

    fn publish_result(
        &self,
        keys: Result<KeySet<MAX_KEYS>, LoadError>,
    ) -> Result<usize, LoadError> {
        let result = keys.and_then(|keys| {
            let len = keys.len();
            self.store
                .set_part(self.part, keys)
                .map(|()| len)
                .map_err(|e| LoadError::new("key files", crate::error::LoadErrorKind::Key(e)))
        });
        match &result {
            Ok(keys) => {
                self.store.reloads.increment();
                tracing::info!(keys, files = self.paths.len(), "key files loaded");
            }
            Err(error) => {
                self.store.reload_failures.increment();
                tracing::warn!(
                    file = error.origin(),
                    reason = error.code(),
                    %error,
                    "key files not reloaded: keeping the last good keys"
                );
            }
        }
        result
    }
}

/// Every file into one set, all or nothing.
fn read(paths: &[PathBuf]) -> Result<KeySet<MAX_KEYS>, LoadError> {
    let mut keys = KeySet::new();
    for path in paths {
        keys.add_file(path)
            .map_err(|e| LoadError::from_file(path, e))?;
    }
    Ok(keys)
}
