//! Terminal colour, decided once by the caller (a terminal, and NO_COLOR unset) and applied
//! here, so that renderers stay pure and give plain text when colour is off.

/// Whether to colour output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Style {
    pub color: bool,
}

impl Style {
    pub const PLAIN: Style = Style { color: false };

    fn paint(self, code: &str, s: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    pub fn green(self, s: &str) -> String {
        self.paint("32", s)
    }
    pub fn red(self, s: &str) -> String {
        self.paint("31", s)
    }
    pub fn yellow(self, s: &str) -> String {
        self.paint("33", s)
    }
    pub fn cyan(self, s: &str) -> String {
        self.paint("36", s)
    }
    pub fn magenta(self, s: &str) -> String {
        self.paint("35", s)
    }
    pub fn bold(self, s: &str) -> String {
        self.paint("1", s)
    }
    pub fn dim(self, s: &str) -> String {
        self.paint("2", s)
    }
    /// Red, bold and underlined: removed words within a changed line.
    pub fn strong_red(self, s: &str) -> String {
        self.paint("1;4;31", s)
    }
    /// Green, bold and underlined: added words within a changed line.
    pub fn strong_green(self, s: &str) -> String {
        self.paint("1;4;32", s)
    }
}
