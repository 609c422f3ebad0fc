//! The one-line text box of every prompt (query line, agency box, go-to, find), with a
//! shell's editing keys.

/// A one-line text box; `cursor` is a byte offset on a char boundary.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextInput {
    pub text: String,
    pub cursor: usize,
}

impl TextInput {
    pub fn new(text: &str) -> TextInput {
        TextInput {
            text: text.to_string(),
            cursor: text.len(),
        }
    }

    pub fn insert(&mut self, c: char) {
        self.text.insert(self.cursor, c);
        self.cursor += c.len_utf8();
    }

    /// Inserts pasted text (an input method may commit several characters at once).
    pub fn insert_str(&mut self, s: &str) {
        let s: String = s.chars().filter(|c| !c.is_control()).collect();
        self.text.insert_str(self.cursor, &s);
        self.cursor += s.len();
    }

    fn prev(&self) -> Option<usize> {
        self.text[..self.cursor]
            .char_indices()
            .last()
            .map(|(i, _)| i)
    }

    fn next(&self) -> Option<usize> {
        self.text[self.cursor..]
            .chars()
            .next()
            .map(|c| self.cursor + c.len_utf8())
    }

    pub fn backspace(&mut self) -> bool {
        match self.prev() {
            Some(p) => {
                self.text.replace_range(p..self.cursor, "");
                self.cursor = p;
                true
            }
            None => false,
        }
    }

    pub fn delete(&mut self) -> bool {
        match self.next() {
            Some(n) => {
                self.text.replace_range(self.cursor..n, "");
                true
            }
            None => false,
        }
    }

    pub fn left(&mut self) {
        if let Some(p) = self.prev() {
            self.cursor = p;
        }
    }

    pub fn right(&mut self) {
        if let Some(n) = self.next() {
            self.cursor = n;
        }
    }

    pub fn home(&mut self) {
        self.cursor = 0;
    }

    pub fn end(&mut self) {
        self.cursor = self.text.len();
    }

    /// Where the word before the cursor starts (shell words: split at spaces).
    fn word_start(&self) -> usize {
        let before = &self.text[..self.cursor];
        let trimmed = before.trim_end_matches(' ');
        trimmed.rfind(' ').map_or(0, |i| i + 1)
    }

    /// Where the word after the cursor ends.
    fn word_end(&self) -> usize {
        let after = &self.text[self.cursor..];
        let lead = after.len() - after.trim_start_matches(' ').len();
        let rest = &after[lead..];
        self.cursor + lead + rest.find(' ').unwrap_or(rest.len())
    }

    /// Ctrl-W: deletes the word before the cursor and the spaces after it.
    pub fn kill_word(&mut self) -> bool {
        let s = self.word_start();
        let changed = s < self.cursor;
        self.text.replace_range(s..self.cursor, "");
        self.cursor = s;
        changed
    }

    /// Ctrl-U: deletes from the start of the line to the cursor.
    pub fn kill_start(&mut self) -> bool {
        let changed = self.cursor > 0;
        self.text.replace_range(..self.cursor, "");
        self.cursor = 0;
        changed
    }

    /// Ctrl-K: deletes from the cursor to the end of the line.
    pub fn kill_end(&mut self) -> bool {
        let changed = self.cursor < self.text.len();
        self.text.truncate(self.cursor);
        changed
    }

    pub fn word_left(&mut self) {
        self.cursor = self.word_start();
    }

    pub fn word_right(&mut self) {
        self.cursor = self.word_end();
    }

    /// Display width of the text before the cursor: where the terminal cursor goes.
    pub fn cursor_width(&self) -> usize {
        crate::output::grid::width(&self.text[..self.cursor])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_box_words_as_in_a_shell() {
        let mut t = TextInput::new("行政复议 结果  纠正");
        assert!(t.kill_word());
        assert_eq!(t.text, "行政复议 结果  ");
        assert!(t.kill_word());
        assert_eq!(t.text, "行政复议 ");
        t.home();
        t.word_right();
        assert_eq!(t.cursor, "行政复议".len());
        t.word_left();
        assert_eq!(t.cursor, 0);
        t.word_right();
        assert!(t.kill_end());
        assert_eq!(t.text, "行政复议");
        t.left();
        assert!(t.kill_start());
        assert_eq!((t.text.as_str(), t.cursor), ("议", 0));
        assert!(!t.kill_start());
    }
}
