//! The filters `search`, `totals`, `rank` and `export` share, turned into an `index::Query`.

use super::agencies_for;
use crate::cli::{parse_years, FilterArgs};
use crate::index::{Index, Query, Region};
use crate::report::{place, Level, Template};

/// The query `text` narrowed by `f`; the hit limit is left to the caller.
pub fn query(index: &Index, text: String, f: &FilterArgs) -> anyhow::Result<Query> {
    let agencies = match &f.agency {
        Some(a) => agencies_for(index, a)?,
        None => Vec::new(),
    };
    let years = match &f.year {
        Some(y) => Some(parse_years(y).map_err(anyhow::Error::msg)?),
        None => None,
    };
    let template =
        match &f.template {
            Some(t) => Some(Template::parse(t).ok_or_else(|| {
                anyhow::anyhow!("unknown template \"{t}\": use 2021, 2019 or free")
            })?),
            None => None,
        };
    let regions = f
        .region
        .iter()
        .map(|r| region(r))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Query {
        text,
        agencies,
        years,
        template,
        regions,
        failed_only: f.failed,
        ..Query::default()
    })
}

/// The place `name` states, at its deepest level: `中卫市` a city, `沙坡头区` a county,
/// `宁夏回族自治区` a province (`北京市` is read as the city it also is).
pub fn region(name: &str) -> anyhow::Result<Region> {
    let p = place::from_name(name);
    let deepest = [Level::County, Level::City, Level::Province]
        .into_iter()
        .find_map(|level| p.level(level).map(|n| (level, n.to_string())));
    match deepest {
        // The whole argument must be the place: `中卫市教育局` is an agency, not a region.
        Some((level, n)) if n == name.trim() => Ok(Region { level, name: n }),
        _ => anyhow::bail!(
            "--region \"{name}\" is not a place as agencies' names write it: give a province, \
             city or county with its suffix (宁夏回族自治区, 中卫市, 沙坡头区)"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_region_is_read_at_its_deepest_level() {
        let r = |s: &str| region(s).map(|r| (r.level, r.name)).ok();
        assert_eq!(r("中卫市"), Some((Level::City, "中卫市".into())));
        assert_eq!(r("沙坡头区"), Some((Level::County, "沙坡头区".into())));
        assert_eq!(r(" 中卫市 "), Some((Level::City, "中卫市".into())));
        assert_eq!(r("中卫"), None, "no suffix: not a place");
        assert_eq!(r("中卫市教育局"), None, "an agency, not a place");
    }
}
