//! The user's settings for the browser: `$XDG_CONFIG_HOME/nianbao/config.toml` (or the file
//! `NIANBAO_CONFIG` names): colours, and what a copy carries.
//!
//! ```toml
//! [copy]
//! header = true    # a first line naming agency, year and table
//! csv_bom = true   # CSV for Excel: a UTF-8 byte-order mark first
//!
//! [colors]         # names (yellow, lightblue), 0-255, or #rrggbb
//! highlight = "yellow"
//! accent = "cyan"
//! error = "red"
//! selection = "blue"
//! ```

use ratatui::style::Color;
use serde::Deserialize;
use std::path::PathBuf;

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub copy: CopyConfig,
    pub colors: ColorNames,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CopyConfig {
    pub header: bool,
    pub csv_bom: bool,
}

#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ColorNames {
    pub highlight: Option<String>,
    pub accent: Option<String>,
    pub error: Option<String>,
    pub selection: Option<String>,
}

/// The colours the screens use. None is colour 8 (dark grey): it disappears on dark themes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Palette {
    pub highlight: Color,
    pub accent: Color,
    pub error: Color,
    pub selection: Color,
}

impl Default for Palette {
    fn default() -> Palette {
        Palette {
            highlight: Color::Yellow,
            accent: Color::Cyan,
            error: Color::Red,
            selection: Color::Blue,
        }
    }
}

pub fn default_file() -> Option<PathBuf> {
    if let Some(f) = std::env::var_os("NIANBAO_CONFIG").filter(|f| !f.is_empty()) {
        return Some(PathBuf::from(f));
    }
    directories::ProjectDirs::from("", "", "nianbao").map(|d| d.config_dir().join("config.toml"))
}

/// Reads the settings. A missing file is the defaults; a file that cannot be read or parsed
/// is the defaults too, with the reason (shown on the status line: a typo never stops the
/// browser).
pub fn load(file: Option<PathBuf>) -> (Config, Option<String>) {
    let Some(file) = file else {
        return (Config::default(), None);
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return (Config::default(), None),
        Err(e) => return (Config::default(), Some(format!("{}: {e}", file.display()))),
    };
    match toml::from_str::<Config>(&text) {
        Ok(c) => match c.palette() {
            Ok(_) => (c, None),
            Err(e) => (Config::default(), Some(format!("{}: {e}", file.display()))),
        },
        Err(e) => (
            Config::default(),
            Some(format!("{}: {}", file.display(), e.message())),
        ),
    }
}

impl Config {
    pub fn palette(&self) -> Result<Palette, String> {
        let d = Palette::default();
        let pick = |name: &Option<String>, default: Color| -> Result<Color, String> {
            let Some(n) = name else {
                return Ok(default);
            };
            let c: Color = n
                .parse()
                .map_err(|_| format!("“{n}” is not a colour (a name, 0-255 or #rrggbb)"))?;
            if matches!(c, Color::DarkGray | Color::Indexed(8)) {
                return Err(format!("“{n}” (colour 8) is invisible on dark themes"));
            }
            Ok(c)
        };
        Ok(Palette {
            highlight: pick(&self.colors.highlight, d.highlight)?,
            accent: pick(&self.colors.accent, d.accent)?,
            error: pick(&self.colors.error, d.error)?,
            selection: pick(&self.colors.selection, d.selection)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_read_and_a_bad_file_falls_back_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("config.toml");
        std::fs::write(
            &f,
            "[copy]\nheader = true\ncsv_bom = true\n[colors]\nhighlight = \"#ff8800\"\n",
        )
        .unwrap();
        let (c, err) = load(Some(f.clone()));
        assert_eq!(err, None);
        assert!(c.copy.header && c.copy.csv_bom);
        assert_eq!(c.palette().unwrap().highlight, Color::Rgb(255, 136, 0));
        std::fs::write(&f, "[colors]\naccent = \"darkgray\"\n").unwrap();
        let (c, err) = load(Some(f.clone()));
        assert_eq!(c, Config::default());
        assert!(err.unwrap().contains("colour 8"));
        std::fs::write(&f, "[copy]\nheadr = true\n").unwrap();
        let (_, err) = load(Some(f));
        assert!(err.unwrap().contains("headr"));
        assert_eq!(
            load(Some(dir.path().join("none.toml"))),
            (Config::default(), None)
        );
    }
}
