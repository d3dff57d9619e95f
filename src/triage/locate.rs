//! Finds where a value sits in a YAML file (line and column), given its path,
//! so that the checker can point at the exact place of a problem.
//!
//! serde gives no positions for values that parsed fine but mean something
//! wrong (an unknown id, say). The checker names such a value by its path
//! (`causes[3].support[0].when`), and this module re-reads the file's events
//! to turn the path into a position. It runs only when there is a problem to
//! report, never on the normal path.

use std::collections::{HashMap, HashSet};
use std::fmt;

use saphyr_parser::{Event, Parser};

/// One step of a path into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

impl From<&str> for Seg {
    fn from(key: &str) -> Seg {
        Seg::Key(key.to_owned())
    }
}

impl From<usize> for Seg {
    fn from(index: usize) -> Seg {
        Seg::Index(index)
    }
}

/// A path into a YAML document, such as `causes[3].support[0].when`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YamlPath(pub Vec<Seg>);

impl YamlPath {
    /// The path one step further down.
    pub fn join(&self, seg: impl Into<Seg>) -> YamlPath {
        let mut segs = self.0.clone();
        segs.push(seg.into());
        YamlPath(segs)
    }
}

impl fmt::Display for YamlPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// Builds a [`YamlPath`] from keys and indices: `yaml_path!["causes", 3, "when"]`.
macro_rules! yaml_path {
    ($($seg:expr),* $(,)?) => {
        $crate::triage::locate::YamlPath(vec![$($crate::triage::locate::Seg::from($seg)),*])
    };
}
pub(crate) use yaml_path;

enum Frame {
    Map {
        key: Option<String>,
        awaiting_key: bool,
    },
    Seq {
        next: usize,
    },
}

/// The 1-based line and column of the value at `path`, or of its nearest
/// ancestor that exists (a missing field points at the map that lacks it).
pub fn locate(text: &str, path: &YamlPath) -> Option<(usize, usize)> {
    locate_all(text, &[path]).pop().flatten()
}

/// [`locate`] for many paths in one pass over the file: a rule base with
/// thousands of problems is located in the time of one reading, not one
/// reading per problem.
pub fn locate_all(text: &str, paths: &[&YamlPath]) -> Vec<Option<(usize, usize)>> {
    // Every prefix of every path, and where each was found.
    let mut wanted: HashSet<&[Seg]> = HashSet::new();
    for path in paths {
        for n in 0..=path.0.len() {
            wanted.insert(&path.0[..n]);
        }
    }
    let longest = paths.iter().map(|p| p.0.len()).max().unwrap_or(0);
    let mut found: HashMap<Vec<Seg>, (usize, usize)> = HashMap::new();
    let mut frames: Vec<Frame> = Vec::new();
    let mut current: Vec<Seg> = Vec::new();
    // Depth of a complex mapping key being skipped (a key that is itself a map or list).
    let mut skipping = 0usize;

    for event in Parser::new_from_str(text) {
        let Ok((event, span)) = event else {
            break;
        };
        let starts_node = matches!(
            event,
            Event::Scalar(..)
                | Event::Alias(_)
                | Event::SequenceStart(..)
                | Event::MappingStart(..)
        );
        let opens = matches!(event, Event::SequenceStart(..) | Event::MappingStart(..));
        let closes = matches!(event, Event::SequenceEnd | Event::MappingEnd);

        if skipping > 0 {
            if opens {
                skipping += 1;
            } else if closes {
                skipping -= 1;
            }
            continue;
        }

        if starts_node {
            // A scalar where a map expects a key is the key, not a value.
            if let Some(Frame::Map { key, awaiting_key }) = frames.last_mut()
                && *awaiting_key
            {
                *awaiting_key = false;
                match event {
                    Event::Scalar(value, ..) => *key = Some(value.into_owned()),
                    _ => {
                        *key = None;
                        if opens {
                            skipping = 1;
                        }
                    }
                }
                continue;
            }
            let seg = match frames.last_mut() {
                Some(Frame::Map { key, awaiting_key }) => {
                    *awaiting_key = true;
                    key.take().map(Seg::Key)
                }
                Some(Frame::Seq { next }) => {
                    *next += 1;
                    Some(Seg::Index(*next - 1))
                }
                None => None,
            };
            let depth_before = current.len();
            if let Some(seg) = seg.clone() {
                current.push(seg);
            }
            if current.len() <= longest && wanted.contains(current.as_slice()) {
                found
                    .entry(current.clone())
                    .or_insert((span.start.line(), span.start.col() + 1));
            }
            match event {
                Event::MappingStart(..) => frames.push(Frame::Map {
                    key: None,
                    awaiting_key: true,
                }),
                Event::SequenceStart(..) => frames.push(Frame::Seq { next: 0 }),
                _ => current.truncate(depth_before),
            }
        } else if closes {
            frames.pop();
            // Leave the path of the container that just closed.
            if !frames.is_empty() {
                current.pop();
            }
        }
    }
    paths
        .iter()
        .map(|path| {
            (0..=path.0.len())
                .rev()
                .find_map(|n| found.get(&path.0[..n]).copied())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "schema_version: 1\ncauses:\n  - id: a\n    support:\n      - {when: fever, weight: 0.5}\n      - when: {all: [x, y]}\n        weight: 0.2\n  - id: b\n";

    #[test]
    fn finds_values_in_block_and_flow_style() {
        assert_eq!(locate(DOC, &yaml_path!["schema_version"]), Some((1, 17)));
        assert_eq!(locate(DOC, &yaml_path!["causes", 0, "id"]), Some((3, 9)));
        assert_eq!(
            locate(DOC, &yaml_path!["causes", 0, "support", 0, "when"]),
            Some((5, 16))
        );
        assert_eq!(
            locate(
                DOC,
                &yaml_path!["causes", 0, "support", 1, "when", "all", 1]
            ),
            Some((6, 25))
        );
        assert_eq!(locate(DOC, &yaml_path!["causes", 1, "id"]), Some((8, 9)));
    }

    #[test]
    fn a_missing_field_points_at_its_nearest_ancestor() {
        assert_eq!(
            locate(DOC, &yaml_path!["causes", 1, "sources"]),
            Some((8, 5))
        );
    }

    #[test]
    fn many_paths_are_located_in_one_pass_as_one_by_one() {
        let paths = [
            yaml_path!["causes", 1, "sources"],
            yaml_path!["schema_version"],
            yaml_path!["causes", 0, "support", 1, "when", "all", 1],
            yaml_path!["causes", 0, "support", 0, "when"],
            yaml_path!["nothing", 3],
            yaml_path![],
            yaml_path!["causes", 0, "support", 0, "when"],
        ];
        let refs: Vec<&YamlPath> = paths.iter().collect();
        let all = locate_all(DOC, &refs);
        let one: Vec<_> = paths.iter().map(|p| locate(DOC, p)).collect();
        assert_eq!(all, one);
        assert_eq!(all[0], Some((8, 5)));
        assert_eq!(all[2], Some((6, 25)));
        assert_eq!(all[4], Some((1, 1)), "the nearest ancestor: the document");
    }

    #[test]
    fn paths_print_like_serde_paths() {
        assert_eq!(
            yaml_path!["causes", 3, "support", 0, "when"].to_string(),
            "causes[3].support[0].when"
        );
    }
}
