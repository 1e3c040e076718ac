//! Canonical names: every surface form of one person or organisation in
//! a document folds into one speaker ([`NameBook`]), and the recently
//! mentioned ones pronouns resolve to ([`Salience`]).

use super::*;

/// Per-document memory of names, so that every surface form of one person
/// folds into one speaker: a full name (`Dan Coats`, given name and
/// surname, titles and middle names dropped) once seen stands for later
/// mentions of its surname (`Coats`, `Director Coats`) and given name
/// (`Dan`); a person named only by surname stays that surname.
#[derive(Debug, Default)]
pub struct NameBook {
    /// Surname or given name, lowercased (`de blasio` for `De Blasio`) →
    /// the full name most recently seen with it.
    full: HashMap<String, String>,
    /// Full name → gender, from its given name or an honorific.
    genders: HashMap<String, Gender>,
}

pub(super) const PERSON_ROLES: &[&str] = &[
    "president",
    "spokesman",
    "spokeswoman",
    "spokesperson",
    "official",
    "senator",
    "minister",
    "secretary",
    "director",
    "lawyer",
    "attorney",
    "aide",
    "adviser",
    "advisor",
    "leader",
    "chairman",
    "chairwoman",
    "candidate",
    "nominee",
    "governor",
    "mayor",
    "ambassador",
    "judge",
    "analyst",
    "expert",
    "source",
    "man",
    "woman",
    "professor",
    "economist",
    "author",
    "writer",
    "chief",
    "head",
];

/// Kinds of people named in the plural as a group, beside
/// [`PERSON_ROLES`]: voters, critics, party members. Their plurals take
/// `s` (`officials`, `Democrats`).
pub(super) const PEOPLE: &[&str] = &[
    "critic",
    "supporter",
    "opponent",
    "voter",
    "resident",
    "activist",
    "lawmaker",
    "legislator",
    "observer",
    "republican",
    "democrat",
    "american",
    "conservative",
    "liberal",
    "progressive",
    "independent",
    "worker",
    "member",
    "student",
    "protester",
    "protestor",
    "investigator",
    "prosecutor",
    "officer",
    "researcher",
    "scientist",
    "pollster",
    "strategist",
    "operative",
    "delegate",
    "donor",
    "parent",
    "veteran",
    "immigrant",
    "citizen",
    "historian",
    "diplomat",
    "insider",
    "organizer",
    "organiser",
    "evangelical",
];

/// Is this lower-case word the plural of a role or kind of people
/// (`officials`, `critics`, `democrats`)?
pub(super) fn is_people_plural(low: &str) -> bool {
    low.strip_suffix('s')
        .is_some_and(|one| PERSON_ROLES.contains(&one) || PEOPLE.contains(&one))
}

impl NameBook {
    /// Can this capitalised word before a surname be a given name? Not a
    /// title or role (`Sen.`, `Reporter`), a word of another class
    /// capitalised by a headline or the sentence's start (`Since`,
    /// `Says`, `Is`), or the surname of someone the article has
    /// already named (`Clinton` in a headline's `Clinton Iowa`) unless it
    /// is also a common given name.
    fn can_be_given_name(&self, t: &Tok) -> bool {
        let low = t.bare().to_lowercase();
        let known_surname = self
            .full
            .get(&low)
            .and_then(|full| full.strip_suffix(t.bare()))
            .is_some_and(|given| given.ends_with(' '));
        !lexicon::is_title_word(t.text)
            && !PERSON_ROLES.contains(&low.as_str())
            && !lexicon::is_function_word(&low)
            && !lexicon::is_preposition(&low)
            && !is_discourse_adverb(&low)
            && !lexicon::is_be_verb(&low)
            && !matches!(
                low.as_str(),
                "had" | "has" | "made" | "says" | "whatever" | "without" | "alongside"
            )
            && !(known_surname && lexicon::first_name_gender(t.bare()).is_none())
    }

    /// Fold a phrase into a speaker. `None` when it cannot be a speaker
    /// (a date, a bare function word).
    pub fn canonical(&mut self, toks: &[Tok], np: Np, doc: &str) -> Option<Entity> {
        // The name is what comes before a parenthesis or comma: `Sen. Chuck
        // Grassley (R-Iowa)`, `Rep. Chris Collins, R-NY`, `Dan Gerstein,
        // director of …`.
        if let Some(k) =
            (np.first + 1..=np.last).find(|&k| matches!(toks[k].kind, TokKind::Punct('(' | ',')))
        {
            return self.canonical(
                toks,
                Np {
                    first: np.first,
                    last: k - 1,
                },
                doc,
            );
        }
        // `Grassley and Leahy`: each name folds on its own; together they
        // are a group.
        let and = (np.first + 1..np.last).find(|&k| {
            toks[k].is_frame_word()
                && matches!(toks[k].text, "and" | "&")
                && is_name_word(&toks[k - 1])
                && is_name_word(&toks[k + 1])
        });
        if let Some(k) = and {
            let left = self.canonical(
                toks,
                Np {
                    first: np.first,
                    last: k - 1,
                },
                doc,
            )?;
            let right = self.canonical(
                toks,
                Np {
                    first: k + 1,
                    last: np.last,
                },
                doc,
            )?;
            return Some(Entity {
                name: format!("{} and {}", left.name, right.name),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        let words: Vec<&Tok> = toks[np.first..=np.last]
            .iter()
            .filter(|t| t.kind == TokKind::Word)
            .collect();
        let (det, rest): (Option<&Tok>, &[&Tok]) = match words.split_first() {
            Some((d, r)) if lexicon::is_determiner(d.text) && !r.is_empty() => (Some(d), r),
            _ => (None, &words[..]),
        };
        let head = *rest.last()?;
        // A counted group: `more than 4 in 10`, `at least 21,000`, `a
        // third of independents` (the phrase as written).
        let counted = head.text.starts_with(|c: char| c.is_ascii_digit()) && words.len() > 1
            || det.is_some() && rest.len() > 1 && is_share(rest[0].text);
        if counted {
            return Some(Entity {
                name: doc[words[0].start..head.end].to_string(),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        // `Most believe …`: a quantifier alone is the group it counts.
        if words.len() == 1 && is_lone_group(head.text) {
            return Some(Entity {
                name: head.text.to_lowercase(),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        let surname = rest.len() > 1 && is_month_surname(Some(rest[rest.len() - 2]), head, None);
        if lexicon::is_calendar_word(head.text) && !surname
            || lexicon::is_function_word(head.text)
            || !head.text.chars().any(|c| c.is_alphabetic())
        {
            return None;
        }
        let span_text = &doc[rest[0].start..head.end];
        let head_lower = head.bare().to_lowercase();
        // `one New Hampshire Democrat`, `two Republican aides`: counted
        // people described, not named.
        if det.is_none()
            && rest.len() > 1
            && (is_quantifier(rest[0].text) || rest[0].text.eq_ignore_ascii_case("one"))
        {
            let plural = head_lower.ends_with('s') && !head_lower.ends_with("ss");
            return Some(Entity {
                name: span_text.to_string(),
                kind: if plural {
                    EntityKind::Group
                } else {
                    EntityKind::Person
                },
                gender: None,
            });
        }
        if !head.is_capitalised() {
            let kind = if PERSON_ROLES.contains(&head_lower.as_str()) {
                EntityKind::Person
            } else if head_lower.ends_with('s') && !head_lower.ends_with("ss") {
                EntityKind::Group
            } else {
                EntityKind::Organisation
            };
            let has_name = rest
                .iter()
                .any(|t| t.is_capitalised() && !lexicon::is_calendar_word(t.text));
            // The writer's own (`my father`, `our team`) stay theirs.
            let name = match det {
                Some(d) if matches!(d.text.to_lowercase().as_str(), "my" | "our") => {
                    format!("{} {span_text}", d.text.to_lowercase())
                }
                Some(_) if !has_name => format!("the {span_text}"),
                _ => span_text.to_string(),
            };
            return Some(Entity {
                name,
                kind,
                gender: None,
            });
        }
        // A plural of people capitalised by its place or as a party
        // (`Officials said`, `Critics say`, `Democrats argue`) is a group:
        // no `he` or `she` stands for it.
        if rest.len() == 1 && is_people_plural(&head_lower) {
            return Some(Entity {
                name: span_text.to_string(),
                kind: EntityKind::Group,
                gender: None,
            });
        }
        if lexicon::is_organisation_head(head.text)
            || rest.len() > 1
                && rest.iter().any(|t| t.text == "of")
                && lexicon::is_organisation_head(rest[0].text)
        {
            return Some(Entity {
                name: span_text.to_string(),
                kind: EntityKind::Organisation,
                gender: None,
            });
        }
        // A person: the surname is the last word that is not a suffix.
        let p = rest
            .iter()
            .rposition(|t| !lexicon::is_name_suffix(t.text))
            .unwrap_or(rest.len() - 1);
        // A particle belongs to the surname: `Jason Van Dyke`, `Ursula von
        // der Leyen`.
        let last = p;
        let mut p = p;
        while p > 0 && is_surname_particle(rest[p - 1].text) {
            p -= 1;
        }
        let surname = rest[p..last]
            .iter()
            .map(|t| t.text)
            .chain([rest[last].bare()])
            .collect::<Vec<_>>()
            .join(" ");
        // Given names: the name words before the surname, back to a title.
        let mut g = p;
        while g > 0 && rest[g - 1].is_capitalised() && self.can_be_given_name(rest[g - 1]) {
            g -= 1;
        }
        // The end of a title is no given name: `Secretary of State Clinton`.
        if g < p && g > 0 && rest[g - 1].text == "of" {
            g += 1;
        }
        // A capitalised role before a known given name is no name:
        // `Actress Diane Ortiz`, `Rancher Paul Dunn`.
        if g + 1 < p
            && lexicon::first_name_gender(rest[g].bare()).is_none()
            && lexicon::first_name_gender(rest[g + 1].bare()).is_some()
        {
            g += 1;
        }
        let honorific = rest[..g]
            .iter()
            .find_map(|t| lexicon::honorific_gender(t.text));
        let name = if g < p {
            let given = rest[g].bare();
            let full = format!("{given} {surname}");
            self.full.insert(surname.to_lowercase(), full.clone());
            self.full.insert(given.to_lowercase(), full.clone());
            if let Some(gender) = lexicon::first_name_gender(given).or(honorific) {
                self.genders.insert(full.clone(), gender);
            }
            full
        } else {
            // After a title (`Mr. Paulson`) the word is a surname: it folds
            // into a full name that ends in it, never into one it begins
            // (`Paulson Enhanced`, a fund).
            let key = surname.to_lowercase();
            let name = self
                .full
                .get(&key)
                .filter(|full| g == 0 || full.to_lowercase().ends_with(&format!(" {key}")))
                .cloned()
                .unwrap_or(surname);
            if let Some(gender) = honorific {
                self.genders.entry(name.clone()).or_insert(gender);
            }
            name
        };
        Some(Entity {
            gender: self.genders.get(&name).copied(),
            name,
            kind: EntityKind::Person,
        })
    }
}

/// Words that join a surname before its last word: `Van Dyke`, `de
/// Blasio`, `von der Leyen`.
pub(super) fn is_surname_particle(word: &str) -> bool {
    matches!(
        word.to_lowercase().as_str(),
        "van" | "von" | "de" | "der" | "del" | "della" | "di" | "da" | "du" | "la" | "le"
    )
}

/// Recently mentioned speakers and subjects, most recent last.
#[derive(Debug, Default)]
pub struct Salience {
    recent: Vec<Entity>,
}

impl Salience {
    pub fn push(&mut self, e: Entity) {
        self.recent.retain(|x| x.name != e.name);
        self.recent.push(e);
    }

    /// The most recent person named in full (given name and surname).
    pub fn latest_named_person(&self) -> Option<&Entity> {
        self.recent
            .iter()
            .rev()
            .find(|e| e.kind == EntityKind::Person && e.name.contains(' '))
    }

    /// The most recent entity that a pronoun of this kind (and gender, for
    /// `he` and `she`) can stand for.
    pub fn resolve(&self, p: PronounKind, gender: Option<Gender>) -> Option<&Entity> {
        self.recent
            .iter()
            .rev()
            .find(|e| Salience::fits(p, gender, e))
    }

    /// Can a pronoun of this kind and gender stand for `e`? A person of
    /// unknown gender agrees with either.
    pub fn fits(p: PronounKind, gender: Option<Gender>, e: &Entity) -> bool {
        if e.name == crate::attribute::NARRATOR {
            return false;
        }
        match p {
            PronounKind::Person => {
                e.kind == EntityKind::Person
                    && (gender.is_none() || e.gender.is_none() || e.gender == gender)
            }
            PronounKind::Group => e.kind != EntityKind::Person,
            PronounKind::Thing => e.kind == EntityKind::Organisation,
        }
    }
}
