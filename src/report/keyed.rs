//! Finding wording in text whatever its spacing, line breaks, punctuation or bracket width.

use super::normalize::{key, key_char};

/// The key characters of a text (see [`key`]) with the byte offset each came from.
pub struct Keyed {
    key: String,
    /// For each char of `key`: (byte offset in `key`, byte offset in the source text). `u32`:
    /// half the memory of `usize` pairs, which a report's parse otherwise spends most of its
    /// fresh pages on; a report is capped far below 4 GiB (`--max-report-size`).
    map: Vec<(u32, u32)>,
    source_len: usize,
}

impl Keyed {
    pub fn new(text: &str) -> Keyed {
        // Past 4 GiB offsets would not fit: such a text (never a report) is keyed up to there.
        let mut end = text.len().min(u32::MAX as usize - 4);
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let text = &text[..end];
        let mut k = String::with_capacity(text.len());
        // Chinese text is mostly 3-byte characters.
        let mut map = Vec::with_capacity(text.len() / 3 + 16);
        for (off, c) in text.char_indices() {
            if let Some(fc) = key_char(c) {
                map.push((k.len() as u32, off as u32));
                k.push(fc);
            }
        }
        Keyed {
            key: k,
            map,
            source_len: text.len(),
        }
    }

    /// The source span `[start, end)` of the first match of `pattern`'s key at or after
    /// source byte `from`.
    pub fn find(&self, pattern: &str, from: usize) -> Option<(usize, usize)> {
        let pat = key(pattern);
        if pat.is_empty() {
            return None;
        }
        let from_k = self.key_offset_of(from);
        // memmem, not `str::find`: a report's parse looks up some hundred labels, and std's
        // two-way search was a tenth of the parse. A UTF-8 needle only matches at character
        // boundaries, so the byte offset is one.
        let hay = self.key.get(from_k..)?;
        let at = memchr::memmem::find(hay.as_bytes(), pat.as_bytes())? + from_k;
        Some((self.source_of(at), self.source_end_of(at + pat.len())))
    }

    /// Like [`Keyed::find`], the last match starting before source byte `before`.
    pub fn rfind(&self, pattern: &str, before: usize) -> Option<(usize, usize)> {
        let pat = key(pattern);
        if pat.is_empty() {
            return None;
        }
        let before_k = self.key_offset_of(before);
        let hay = self.key.get(..before_k)?;
        let at = memchr::memmem::rfind(hay.as_bytes(), pat.as_bytes())?;
        Some((self.source_of(at), self.source_end_of(at + pat.len())))
    }

    pub fn contains(&self, pattern: &str) -> bool {
        self.find(pattern, 0).is_some()
    }

    fn key_offset_of(&self, source: usize) -> usize {
        let i = self.map.partition_point(|&(_, s)| (s as usize) < source);
        self.map.get(i).map_or(self.key.len(), |&(k, _)| k as usize)
    }

    fn source_of(&self, key_off: usize) -> usize {
        let i = self.map.partition_point(|&(k, _)| (k as usize) < key_off);
        self.map
            .get(i)
            .map_or(self.source_len, |&(_, s)| s as usize)
    }

    /// Source byte just past the key char that ends at `key_end`.
    fn source_end_of(&self, key_end: usize) -> usize {
        let i = self.map.partition_point(|&(k, _)| (k as usize) < key_end);
        if i == 0 {
            return 0;
        }
        let s = self.map[i - 1].1 as usize;
        s + self.char_len_at(s)
    }

    fn char_len_at(&self, _s: usize) -> usize {
        // Every source char that yields a key char is at most 4 bytes; callers only use the
        // end as an exclusive bound, so move to the next mapped char or the text's end.
        let i = self.map.partition_point(|&(_, src)| src as usize <= _s);
        self.map
            .get(i)
            .map_or(self.source_len, |&(_, next)| next as usize)
            - _s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_across_line_breaks_and_spaces() {
        let text = "三、收到\n和处理 政府信息公开申请情况\n一、本年新\n收";
        let k = Keyed::new(text);
        let (s, e) = k.find("本年新收", 0).unwrap();
        assert_eq!(&text[s..e], "本年新\n收");
        assert_eq!(k.find("本年新收", e), None);
        let (s, _) = k.rfind("收到和处理", text.len()).unwrap();
        assert_eq!(s, text.find("收到").unwrap());
    }
}
