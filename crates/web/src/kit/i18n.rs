//! Texts in English and Swedish, from the Fluent files in `locales/`.

use crate::kit::extract::Lang;
use fluent_templates::fluent_bundle::FluentValue;
use fluent_templates::{LanguageIdentifier, Loader, static_loader};
use std::borrow::Cow;
use std::collections::HashMap;

static_loader! {
    static LOCALES = {
        locales: "./locales",
        fallback_language: "en",
        // No Unicode isolation marks around placeables: they would break links in mail.
        customise: |bundle| bundle.set_use_isolating(false),
    };
}

fn id(lang: Lang) -> LanguageIdentifier {
    lang.code().parse().expect("valid language id")
}

/// The texts of one language, as templates and mails use them.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Tr {
        Tr { lang }
    }
    pub fn code(&self) -> &'static str {
        self.lang.code()
    }
    pub fn t(&self, key: &str) -> String {
        LOCALES.lookup(&id(self.lang), key)
    }
    /// The text of a key, or None when no language has it.
    pub fn try_t(&self, key: &str) -> Option<String> {
        LOCALES.try_lookup(&id(self.lang), key)
    }
    pub fn args(&self, key: &str, args: &[(&str, &str)]) -> String {
        let map: HashMap<Cow<'static, str>, FluentValue> = args
            .iter()
            .map(|(k, v)| (Cow::Owned(k.to_string()), FluentValue::from(v.to_string())))
            .collect();
        LOCALES.lookup_with_args(&id(self.lang), key, &map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_exists_in_both_languages() {
        let keys = |text: &str| -> std::collections::BTreeSet<String> {
            text.lines()
                .filter(|l| !l.starts_with([' ', '#', '\t']) && l.contains(" ="))
                .map(|l| l.split(" =").next().unwrap().trim().to_owned())
                .collect()
        };
        let en = keys(include_str!("../../locales/en/main.ftl"));
        let sv = keys(include_str!("../../locales/sv/main.ftl"));
        assert_eq!(en, sv, "en and sv must have the same keys");
        assert!(en.len() > 50);
    }

    #[test]
    fn placeables_have_no_isolation_marks() {
        let s = Tr::new(Lang::En).args(
            "mail-reset-body",
            &[("name", "Ada"), ("link", "http://x/y")],
        );
        assert!(
            s.contains("http://x/y\n") || s.ends_with("http://x/y"),
            "{s:?}"
        );
        assert!(!s.contains('\u{2068}'));
    }
}
