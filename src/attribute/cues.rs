//! The cue grammar: where a sentence's reporting verb is, and which phrase
//! names its speaker. The driver in the parent module picks among the
//! candidates found here and resolves their speakers.

use super::lexicon::{self, CueStrength};
use super::quotes::QuoteSpan;
use super::speaker::{self, Np};
use super::tokens::{Tok, TokKind};

/// How much of a sentence is quoted.
pub(super) struct QuoteInfo {
    pub(super) has_quote: bool,
    /// Share of the sentence's word characters that lie inside quotes.
    pub(super) ratio: f32,
    /// The sentence opens with a quotation mark.
    pub(super) starts_quoted: bool,
    /// A colon stands right before the first quotation mark.
    pub(super) colon_intro: bool,
}

impl QuoteInfo {
    pub(super) fn of(toks: &[Tok], spans: &[QuoteSpan], start: usize, end: usize) -> Self {
        let (mut quoted, mut total) = (0usize, 0usize);
        for t in toks.iter().filter(|t| t.is_word()) {
            total += t.text.len();
            if t.quoted {
                quoted += t.text.len();
            }
        }
        let first_open = toks.iter().position(|t| t.kind == TokKind::OpenQuote);
        QuoteInfo {
            has_quote: spans.iter().any(|sp| sp.overlaps(start, end)) && quoted > 0,
            ratio: if total == 0 {
                0.0
            } else {
                quoted as f32 / total as f32
            },
            starts_quoted: toks
                .first()
                .is_some_and(|t| t.quoted || t.kind == TokKind::OpenQuote),
            colon_intro: first_open
                .and_then(|i| i.checked_sub(1))
                .is_some_and(|i| toks[i].is_punct(':')),
        }
    }
}

/// A reporting verb and its speaker phrase.
pub(super) struct Candidate {
    pub(super) np: Np,
    /// Byte range of the cue.
    pub(super) cue: (usize, usize),
    /// A verb of saying (or `according to`, or a headline colon).
    pub(super) speech: bool,
    /// The attribution closes the sentence: `…, she noted.`
    pub(super) trailing: bool,
}

pub(super) fn cue_candidates(toks: &[Tok], info: &QuoteInfo) -> Vec<Candidate> {
    let mut out = Vec::new();
    if let Some(c) = colon_intro(toks).or_else(|| topic_intro(toks)) {
        out.push(c);
    }
    if info.colon_intro {
        if let Some(c) = dash_name_colon(toks).or_else(|| from_colon(toks)) {
            out.push(c);
        }
    }
    if info.starts_quoted {
        if let Some(c) = quote_then_name_verb(toks) {
            out.push(c);
        }
    }
    if let Some(c) = credit_line(toks) {
        out.push(c);
    }
    let near_end = |i: usize| toks.len().saturating_sub(i) <= 10;
    let title_case = is_title_case(toks);
    let after_break = |k: usize| k.checked_sub(1).is_some_and(|p| ends_content(&toks[p]));
    for (i, t) in toks.iter().enumerate() {
        if !t.is_frame_word() {
            continue;
        }
        if t.text.eq_ignore_ascii_case("according")
            && toks
                .get(i + 1)
                .is_some_and(|n| n.is_frame_word() && n.text == "to")
        {
            // The phrase after `to`; failing the phrase rules, its words up
            // to the next punctuation (`according to polling by the union`).
            let np = speaker::right_np(toks, i + 2).or_else(|| {
                let n = toks[i + 2..]
                    .iter()
                    .take(8)
                    .take_while(|t| t.is_frame_word())
                    .count();
                (n > 0).then(|| Np {
                    first: i + 2,
                    last: i + 1 + n,
                })
            });
            if let Some(np) = np.map(|np| author_of(toks, np)) {
                out.push(Candidate {
                    np,
                    cue: (t.start, toks[i + 1].end),
                    speech: true,
                    trailing: after_break(i) && near_end(i),
                });
            }
            continue;
        }
        if let Some(np) = in_a_poll(toks, i) {
            out.push(Candidate {
                np,
                cue: (t.start, t.end),
                speech: true,
                trailing: after_break(i) && near_end(i),
            });
            continue;
        }
        let Some(strength) = lexicon::cue_strength(t.text) else {
            continue;
        };
        // (`his spokeswoman, Hope Hicks`: a verb's word in a name.)
        if !title_case && in_name(toks, i) {
            continue;
        }
        if strength == CueStrength::QuoteOnly && !info.has_quote {
            continue;
        }
        if is_passive_or_infinitive(toks, i) {
            continue;
        }
        let np = match strength {
            CueStrength::Speech | CueStrength::QuoteOnly => np_for_cue(toks, i),
            // Positions and findings: only a phrase right before the verb.
            CueStrength::Attitude => speaker::left_np(toks, i)
                .filter(|np| !after_preposition(toks, *np) && !t.text.ends_with("ing")),
            CueStrength::Finding => finding_source(toks, i),
        };
        let Some(np) = np else { continue };
        let np = if np.first < i {
            speaker::appositive_name(toks, np)
        } else {
            np
        };
        let inverted = np.first > i;
        out.push(Candidate {
            np,
            cue: (t.start, t.end),
            speech: matches!(strength, CueStrength::Speech | CueStrength::QuoteOnly),
            trailing: near_end(i)
                && if inverted {
                    after_break(i)
                } else {
                    after_break(np.first) && np.last < i && i - np.last <= 3
                },
        });
    }
    out
}

/// Is word `i` part of a name (`Hope Hicks`, `Will Hurd`): capitalised
/// inside its sentence, beside another capitalised word that is no
/// function word?
fn in_name(toks: &[Tok], i: usize) -> bool {
    i > 0
        && capitalised_word(&toks[i])
        && (toks.get(i + 1).is_some_and(capitalised_word)
            || i > 1 && capitalised_word(&toks[i - 1]))
}

/// A capitalised word outside quotation marks that is no function word:
/// a word of a name as the cue patterns read one (pronouns included, unlike
/// [`speaker::is_name_word`]).
fn capitalised_word(t: &Tok) -> bool {
    t.is_frame_word() && t.is_capitalised() && !lexicon::is_function_word(t.text)
}

/// A headline in title case (`Trump Heard What His Nemesis Said`): most
/// of its words are capitalised, so capitals mark no names.
fn is_title_case(toks: &[Tok]) -> bool {
    let words = toks.iter().filter(|t| t.is_frame_word());
    let (n, caps) = words.fold((0, 0), |(n, c), t| (n + 1, c + t.is_capitalised() as usize));
    n >= 3 && caps * 10 >= n * 6
}

/// `In a CNN/ORC poll released Monday, 31 percent said …`, `… leads with
/// 30 percent in the latest Quinnipiac survey`: a poll or survey named by
/// its pollster after `in`, near a figure in its sentence, is the
/// source of what the sentence reports from it, named outright as after
/// `according to`. (`in the polls`, `rose in national polls` is no source.)
fn in_a_poll(toks: &[Tok], i: usize) -> Option<Np> {
    if !toks[i].text.eq_ignore_ascii_case("in") {
        return None;
    }
    let np = speaker::right_np(toks, i + 1)?;
    let words = &toks[np.first..=np.last];
    let head = words.iter().position(|t| {
        t.text.eq_ignore_ascii_case("poll") || t.text.eq_ignore_ascii_case("survey")
    })?;
    let named = words[..head].iter().any(speaker::is_name_word);
    // (Within a window of the poll, so that a sentence of many polls
    // stays linear.)
    let window = &toks[i.saturating_sub(40)..toks.len().min(i + 40)];
    let figure = window.iter().any(|t| {
        t.text.starts_with(|c: char| c.is_ascii_digit())
            || t.is_punct('%')
            || t.text.eq_ignore_ascii_case("percent")
    });
    (named && figure).then_some(np)
}

/// `“Q.”― Ana Ruiz`, or a line of its own after the quotation, `- Sen.
/// Tom Hale, speaking on Monday.`: a dash right after a closing quotation
/// mark (or opening the sentence), then a name that ends the sentence or
/// is followed by a comma, credits the quotation to that name, as under an
/// epigraph.
pub(super) fn credit_line(toks: &[Tok]) -> Option<Candidate> {
    let is_dash = speaker::is_dash;
    let d = (0..toks.len())
        .find(|&k| is_dash(&toks[k]) && (k == 0 || toks[k - 1].kind == TokKind::CloseQuote))?;
    // `--` is one dash.
    let mut first = d + 1;
    if toks.get(first).is_some_and(is_dash) {
        first += 1;
    }
    let n = toks[first..]
        .iter()
        .take_while(|t| capitalised_word(t))
        .count();
    if n == 0 || n > 6 {
        return None;
    }
    let last = first + n - 1;
    let ends = toks
        .get(last + 1)
        .is_none_or(|t| matches!(t.kind, TokKind::Punct(',' | '.')));
    // (Nothing quoted after it: `“…” - Ann Lee said “…”` is no credit.)
    let quoted_after = toks[last + 1..].iter().any(|t| t.quoted);
    (ends && !quoted_after).then_some(Candidate {
        np: Np { first, last },
        cue: (toks[d].start, toks[first - 1].end),
        speech: true,
        trailing: true,
    })
}

/// `“Q,” Trump shot back.`: after a quotation that opens the sentence, a
/// name (or pronoun) and a verb that close it are the attribution, whatever
/// the verb.
fn quote_then_name_verb(toks: &[Tok]) -> Option<Candidate> {
    let close = toks.iter().rposition(|t| t.kind == TokKind::CloseQuote)?;
    let mut k = close + 1;
    while toks.get(k).is_some_and(|t| t.is_punct(',')) {
        k += 1;
    }
    let first = k;
    let is_pronoun = toks
        .get(k)
        .is_some_and(|t| t.is_frame_word() && lexicon::pronoun_kind(t.text).is_some());
    if is_pronoun {
        k += 1;
    } else {
        while toks.get(k).is_some_and(capitalised_word) {
            k += 1;
        }
    }
    if k == first {
        return None;
    }
    let verb = toks.get(k).filter(|t| {
        t.is_frame_word()
            && t.text.chars().next().is_some_and(char::is_lowercase)
            && !lexicon::is_function_word(t.text)
            && !lexicon::is_be_verb(t.text)
    })?;
    // Only short trailing words may follow: `back`, `on Monday`, `.`.
    let rest = &toks[k + 1..];
    if rest.iter().filter(|t| t.is_word()).count() > 4 || rest.iter().any(|t| t.quoted) {
        return None;
    }
    Some(Candidate {
        np: Np { first, last: k - 1 },
        cue: (verb.start, verb.end),
        speech: true,
        trailing: true,
    })
}

/// A headline or lead that opens with a speaker and a colon:
/// `Gingrich: Trump must decide …`.
fn colon_intro(toks: &[Tok]) -> Option<Candidate> {
    let k = toks.iter().take(5).position(|t| t.is_punct(':'))?;
    if k == 0 || k + 1 >= toks.len() {
        return None;
    }
    let names = &toks[..k];
    let all_caps = names
        .iter()
        .all(|t| t.text.chars().all(|c| !c.is_lowercase()));
    // `UPDATE:`, `Editor’s Note:`, `Delegate Update:`: a label, not a
    // speaker; nor is a tally (`Clinton: 1,769.`).
    let label = names.iter().any(|t| lexicon::is_section_label(t.text))
        || names.len() == 1 && lexicon::interview_tag(names[0].text).is_some();
    let tally = !toks[k + 1..]
        .iter()
        .any(|t| t.is_word() && t.text.chars().any(char::is_alphabetic));
    let namelike = names.iter().all(speaker::is_name_word);
    // A capitalised section label (`BREAKING:`, `WASHINGTON:`) is one word;
    // a transcript's speaker (`JAKE TAPPER:`) is a name of two or three.
    let transcript = all_caps
        && (2..=3).contains(&names.len())
        && names
            .iter()
            .all(|t| t.text.chars().all(|c| c.is_alphabetic() || c == '.'));
    if all_caps && !transcript || label || tally || !namelike {
        return None;
    }
    Some(colon_cue(toks, 0, k - 1, k))
}

/// The speaker `toks[first..=last]` of a headline's or digest's colon at
/// `toks[k]`.
fn colon_cue(toks: &[Tok], first: usize, last: usize, k: usize) -> Candidate {
    Candidate {
        np: Np { first, last },
        cue: (toks[k].start, toks[k].end),
        speech: true,
        trailing: false,
    }
}

/// The colon right before a sentence's first quotation mark.
fn colon_before_quote(toks: &[Tok]) -> Option<usize> {
    let k = toks
        .iter()
        .position(|t| t.kind == TokKind::OpenQuote)?
        .checked_sub(1)?;
    toks[k].is_punct(':').then_some(k)
}

/// A headline that names its speaker and topic before the quotation:
/// `Reyes on the Farm Bill: ‘It Will Pass.’`, `Network Chief About Debates:
/// “We Do Not Pay.”`.
fn topic_intro(toks: &[Tok]) -> Option<Candidate> {
    let k = colon_before_quote(toks).filter(|&k| k <= 16)?;
    let on = toks[..k].iter().position(|t| {
        t.is_frame_word() && matches!(t.text.to_lowercase().as_str(), "on" | "about")
    })?;
    let namelike = toks[..on].iter().all(speaker::is_name_word);
    if !(1..=4).contains(&on) || !namelike || on + 1 >= k {
        return None;
    }
    Some(colon_cue(toks, 0, on - 1, k))
}

/// A quotation introduced as someone's: `A lesson from Loretta Lynch: ‘…’`,
/// `More from the report: “…”`.
fn from_colon(toks: &[Tok]) -> Option<Candidate> {
    let k = colon_before_quote(toks)?;
    let from = toks[..k]
        .iter()
        .rposition(|t| t.is_frame_word() && t.text.eq_ignore_ascii_case("from"))?;
    let np = speaker::right_np(toks, from + 1).filter(|np| np.last + 1 == k)?;
    Some(colon_cue(toks, np.first, np.last, k))
}

/// A digest's item: a kicker, a dash, then the source named before a colon
/// and its quotation (`POLLS WERE EARLY - Mark Ruiz and Jon Kahn: “…”`).
fn dash_name_colon(toks: &[Tok]) -> Option<Candidate> {
    let k = colon_before_quote(toks)?;
    let name_word = |t: &Tok| {
        t.is_frame_word()
            && (t.is_capitalised() && t.text.chars().any(char::is_lowercase)
                || matches!(t.text, "and" | "&"))
    };
    let first = (0..k)
        .rev()
        .take_while(|&j| name_word(&toks[j]))
        .take(6)
        .last()?;
    let dash = first
        .checked_sub(1)
        .is_some_and(|d| matches!(toks[d].kind, TokKind::Punct('-' | '—' | '–')));
    if !dash || !toks[first].is_capitalised() || !toks[k - 1].is_capitalised() {
        return None;
    }
    Some(colon_cue(toks, first, k - 1, k))
}

/// `was told`, `when asked`, `declined to say`: the subject is not the
/// speaker.
fn is_passive_or_infinitive(toks: &[Tok], i: usize) -> bool {
    let mut j = i;
    // (A few joined participles at most: the walk stays bounded however
    // long the sentence.)
    let mut joined = 0;
    while j > 0 {
        j -= 1;
        let p = &toks[j];
        if !p.is_frame_word() {
            return false;
        }
        if lexicon::is_verb_adjunct(p.text) && !matches!(p.text, "has" | "have" | "had") {
            continue;
        }
        let l = p.text.to_lowercase();
        // A second participle joined by `and` shares the first one's
        // passive: `was booed and shouted down by …` (read on from the
        // first, in this loop, however many there are).
        if l == "and"
            && joined < 8
            && j >= 1
            && toks[j - 1].is_frame_word()
            && toks[j - 1].text.ends_with("ed")
        {
            joined += 1;
            j -= 1;
            continue;
        }
        return lexicon::is_be_verb(&l)
            || matches!(l.as_str(), "to" | "when" | "if" | "as" | "being");
    }
    false
}

/// An object of the verb right before it, opened by a possessive or an
/// indefinite article (`has stepped up his attacks on`, `sent a letter
/// urging`, `keep virtually her entire focus on`): no source of the cue
/// after it.
fn verb_object(toks: &[Tok], np: Np) -> bool {
    let opener = toks[np.first].text.to_lowercase();
    let object_opener = matches!(
        opener.as_str(),
        "his" | "her" | "their" | "its" | "our" | "my" | "your" | "a" | "an"
    );
    // The word before, past adverbs (`keep virtually her entire focus`).
    let before = toks[..np.first]
        .iter()
        .rev()
        .find(|t| !(t.is_frame_word() && lexicon::is_verb_adjunct(t.text)));
    object_opener
        && before.is_some_and(|t| {
            let w = t.text.to_lowercase();
            t.is_frame_word()
                && !t.is_capitalised()
                && !lexicon::is_function_word(&w)
                && !lexicon::is_preposition(&w)
        })
}

/// Is the phrase the object of a preposition (“on Monday”, “with Putin”)?
fn after_preposition(toks: &[Tok], np: Np) -> bool {
    np.first
        .checked_sub(1)
        .and_then(|p| toks.get(p))
        .is_some_and(|p| p.is_frame_word() && lexicon::is_preposition(p.text))
}

/// `according to a post from Ana Ruiz`, `a report by the budget office`,
/// `an analysis by the Pew Research Center`, `interviews with a dozen
/// party leaders`, `a court document filed by the state attorney`: the
/// author of a document, study or count named after `according to` is
/// its source.
fn author_of(toks: &[Tok], np: Np) -> Np {
    let document = matches!(
        toks[np.last].text.to_lowercase().as_str(),
        "post"
            | "statement"
            | "letter"
            | "memo"
            | "tweet"
            | "email"
            | "report"
            | "column"
            | "release"
            | "filing"
            | "filings"
            | "document"
            | "documents"
            | "analysis"
            | "calculations"
            | "estimate"
            | "estimates"
            | "study"
            | "survey"
            | "poll"
            | "data"
            | "figures"
            | "count"
            | "tally"
            | "review"
            | "audit"
            | "research"
            | "records"
            | "transcript"
            | "audio"
            | "video"
            | "book"
            | "interview"
            | "interviews"
    );
    // Past a participle: `a court document filed by`, `audio provided by`.
    let mut k = np.last + 1;
    if toks
        .get(k)
        .is_some_and(|t| t.is_frame_word() && !t.is_capitalised() && t.text.ends_with("ed"))
        && toks.get(k + 1).is_some_and(|t| t.text == "by")
    {
        k += 1;
    }
    let interviews = toks[np.last].text.starts_with("interview");
    let by = toks.get(k).is_some_and(|t| {
        t.is_frame_word() && (matches!(t.text, "from" | "by") || interviews && t.text == "with")
    });
    if !(document && by) {
        return np;
    }
    speaker::right_np(toks, k + 1).unwrap_or(np)
}

/// The speaker phrase of the reporting verb at `i`.
fn np_for_cue(toks: &[Tok], i: usize) -> Option<Np> {
    let participle = toks[i].text.ends_with("ing");
    // A participle takes the phrase right before it (“a report concluding”)
    // or else the sentence's subject; nothing is skipped.
    let left = if participle {
        // Adverbs may stand between: `with Cruz recently promising`.
        let mut at = i;
        while at > 1
            && toks[at - 1].is_frame_word()
            && toks[at - 1].text.ends_with("ly")
            && lexicon::is_verb_adjunct(toks[at - 1].text)
        {
            at -= 1;
        }
        // After a preposition (`despite admitting`, `After saying …, she
        // was`), the participle's subject is the clause's: the phrase
        // before the preposition, or the sentence's subject.
        let prep = at.checked_sub(1).filter(|&p| {
            toks[p].is_frame_word()
                && matches!(
                    toks[p].text.to_lowercase().as_str(),
                    "despite" | "after" | "before" | "while" | "without" | "upon"
                )
        });
        if let Some(p) = prep {
            // (The phrase before it only when a comma sets it off: `Paul
            // Ryan, R-Wis., despite admitting`, not `her son after saying`.)
            let set_off = speaker::after_comma(toks, p);
            return speaker::left_np(toks, p)
                .filter(|_| set_off)
                .or_else(|| speaker::subject_np(toks))
                .or_else(|| (p == 0).then(|| after_fronted_clause(toks)).flatten());
        }
        with_subject(toks, at).or_else(|| speaker::left_np_plain(toks, at))
    } else {
        speaker::left_np(toks, i)
    };
    if let Some(np) = left {
        // `backed by Ana Whitlow, who said`: a relative clause's antecedent
        // speaks, whatever governs it.
        let via_who = toks[np.last + 1..i]
            .iter()
            .any(|t| t.is_frame_word() && t.text.eq_ignore_ascii_case("who"));
        // `with Cruz recently promising …`: after `with`, the phrase is
        // the participle's own subject.
        let after_with = participle && np.first >= 1 && toks[np.first - 1].text == "with";
        // `hours after Sanders said he was …`: `after`, `before`, `since`
        // and `until` open a clause there, and the phrase is its subject.
        let clause_opener = !participle
            && np.last + 1 == i
            && np.first.checked_sub(1).is_some_and(|p| {
                toks[p].is_frame_word()
                    && matches!(
                        toks[p].text.to_lowercase().as_str(),
                        "after" | "before" | "since" | "until"
                    )
            });
        if via_who || after_with || clause_opener || !after_preposition(toks, np) {
            return Some(np);
        }
        // “A spokeswoman for YouTube said”: the phrase before the
        // preposition is the speaker, with its complement; so is it before
        // `close to`, `familiar with` (“people close to the governor”).
        let mut prep = np.first - 1;
        let adjectival = prep >= 1
            && matches!(toks[prep].text, "to" | "with")
            && matches!(
                toks[prep - 1].text.to_lowercase().as_str(),
                "close" | "familiar" | "loyal" | "allied" | "opposed"
            );
        if adjectival {
            prep -= 1;
        }
        if !participle
            && (adjectival
                || matches!(
                    toks[prep].text,
                    "for" | "of" | "at" | "from" | "in" | "with" | "to"
                ))
        {
            if let Some(head) = speaker::left_np_plain(toks, prep) {
                if !after_preposition(toks, head) {
                    // After a participle (`nurses interviewed at the
                    // clinic said`) the phrase is the noun alone.
                    let participle = toks.get(head.last + 1).is_some_and(|v| {
                        v.is_frame_word() && v.text.ends_with("ed") && head.last + 1 < np.first
                    });
                    // A pronoun complement leaves the head to name the
                    // speaker: `a source close to him` is `a source`.
                    let pronoun =
                        np.first == np.last && lexicon::is_object_pronoun(toks[np.first].text);
                    return Some(Np {
                        first: head.first,
                        last: if participle || pronoun {
                            head.last
                        } else {
                            np.last
                        },
                    });
                }
            }
        }
        if participle {
            return speaker::subject_np(toks);
        }
        // Failing these, the speaker may follow the verb (`…, whom he's
        // alienated, said Larry Sabato`).
        if let Some(np) = speaker::opening_subject(toks, i) {
            return Some(np);
        }
    }
    if let Some(np) = inverted_np(toks, i).filter(|_| !participle) {
        return Some(np);
    }
    // A second verb of the subject: `Clinton shook her head and said …`.
    let prev = i.checked_sub(1).map(|p| &toks[p]);
    let coordinated = prev.is_some_and(|p| p.is_frame_word() && p.text == "and");
    if participle || coordinated {
        return speaker::subject_np(toks);
    }
    speaker::opening_subject(toks, i)
}

/// The subject right after a fronted clause (`After saying it was “so bad
/// I could barely stand,” she left`).
fn after_fronted_clause(toks: &[Tok]) -> Option<Np> {
    let after = after_first_comma(toks, 0)?;
    speaker::right_np(toks, after).filter(|np| np.first == after)
}

/// The token after the first comma from `from` outside quotation marks,
/// or after a comma that closes a quotation and its closing mark (`… a
/// “rant,” Obama …`).
pub(super) fn after_first_comma(toks: &[Tok], from: usize) -> Option<usize> {
    let comma = (from..toks.len()).find(|&k| {
        toks[k].is_punct(',')
            && (!toks[k].quoted
                || toks
                    .get(k + 1)
                    .is_some_and(|n| n.kind == TokKind::CloseQuote))
    })?;
    let closes = toks
        .get(comma + 1)
        .is_some_and(|n| n.kind == TokKind::CloseQuote);
    Some(comma + 1 + usize::from(closes))
}

/// The subject of a participle at `at` after `with` (`with critics
/// saying …`, `with 30 percent of voters saying …`): the words between, when
/// they are a short phrase (no punctuation, no verb of saying, at most six).
fn with_subject(toks: &[Tok], at: usize) -> Option<Np> {
    let w = (at.saturating_sub(7)..at.saturating_sub(1))
        .rev()
        .find(|&k| !toks[k].is_frame_word() || toks[k].text == "with")?;
    let words = &toks[w + 1..at];
    (toks[w].text == "with"
        && words.iter().all(|t| {
            t.is_frame_word()
                && lexicon::cue_strength(t.text).is_none()
                && !lexicon::is_be_verb(t.text)
                && (!lexicon::is_function_word(t.text)
                    || lexicon::is_determiner(t.text)
                    || speaker::is_quantifier(t.text)
                    || t.text == "of")
        }))
    .then_some(Np {
        first: w + 1,
        last: at - 1,
    })
}

/// The speaker phrase of a cue the learned model found at `i`: the phrase
/// right before it, or after it when the cue follows a comma or quotation
/// (`…, officials believe`, `“…,” according to …`).
pub(super) fn learned_cue_np(toks: &[Tok], i: usize) -> Option<Np> {
    // A predicate adjective takes the subject of its copula: `voters are
    // optimistic that …` (a passive `was reported` does not).
    let mut at = i;
    let verb_form = |t: &Tok| {
        let w = t.text.to_lowercase();
        w.ends_with("ed") || w.ends_with("en") || lexicon::cue_strength(&w).is_some()
    };
    // `X has been criticized by some of his rivals`, `was told`: the
    // subject of a passive is not its source; its agent after `by` is, and
    // without one there is none here. The cue may be the participle or the
    // auxiliary before it (`has` in `has been criticized`).
    let participle = if verb_form(&toks[i])
        && !toks[i].text.ends_with("ing")
        && is_passive_or_infinitive(toks, i)
    {
        Some(i)
    } else {
        let mut p = i;
        if matches!(toks[p].text.to_lowercase().as_str(), "has" | "have" | "had")
            && toks.get(p + 1).is_some_and(|t| t.text == "been")
        {
            p += 1;
        }
        (lexicon::is_be_verb(toks[p].text) && toks.get(p + 1).is_some_and(verb_form))
            .then_some(p + 1)
    };
    if let Some(v) = participle {
        let by = (v + 1..toks.len().min(v + 4))
            .take_while(|&k| toks[k].is_frame_word())
            .find(|&k| toks[k].text == "by")?;
        return speaker::right_np(toks, by + 1).filter(|np| plausible_source(toks, *np));
    }
    // A participle (`… issued a statement undercutting …`) belongs to the
    // clause's subject, not to the object before it.
    if toks[i].text.ends_with("ing") {
        // `he’s hoping`, `they’re weighing`: the progressive's own subject.
        if let Some(p) = i.checked_sub(1).filter(|&p| {
            let t = &toks[p];
            t.is_frame_word()
                && t.text.contains(['\'', '’'])
                && (lexicon::pronoun_kind(t.text).is_some() || lexicon::is_first_person(t.text))
        }) {
            return Some(Np { first: p, last: p });
        }
        // `with most voters saying …`: the phrase after `with` is the
        // participle's own subject.
        let with = with_subject(toks, i).filter(|np| plausible_source(toks, *np));
        return with.or_else(|| speaker::subject_np(toks).filter(|np| np.last < i));
    }
    // `X appeared to …`, `X wants to …`: an infinitive's `to` takes the
    // subject of the verb before it, never a phrase ending in that verb.
    if toks[i].text.eq_ignore_ascii_case("to")
        && at > 0
        && toks[at - 1].is_frame_word()
        && !toks[at - 1].is_capitalised()
    {
        at -= 1;
    }
    let passive = verb_form(&toks[i]);
    while !passive
        && at > 0
        && toks[at - 1].is_frame_word()
        && (lexicon::is_be_verb(toks[at - 1].text) || toks[at - 1].text == "seem")
    {
        at -= 1;
    }
    // `Politifact seized on Trump’s claim that …`: a noun cue's named
    // possessor is its source, wherever the phrase stands.
    let possessor = (at == i && i >= 1 && !toks[i].is_capitalised() && !verb_form(&toks[i]))
        .then(|| &toks[i - 1])
        .filter(|p| p.is_frame_word() && p.is_possessive() && p.is_capitalised())
        .and_then(|_| speaker::left_np_plain(toks, i))
        .filter(|np| np.last + 1 == i);
    if possessor.is_some() {
        return possessor;
    }
    let left = speaker::left_np(toks, at)
        .filter(|np| !after_preposition(toks, *np) && !verb_object(toks, *np));
    // A learned cue takes its speaker after it only after a quotation
    // (`“…,” argued Smith`): after a plain comma the phrase is its object
    // (`…, recited her policy ideas`).
    let after_quote = i
        .checked_sub(1)
        .is_some_and(|p| toks[p].kind == TokKind::CloseQuote || toks[p].quoted);
    let np = left
        .or_else(|| inverted_np(toks, i).filter(|_| after_quote))
        // Not for a preposition the model took for a cue (`met for a lunch`).
        .or_else(|| {
            let word = toks[i].text;
            (!lexicon::is_function_word(word) && !lexicon::is_preposition(word))
                .then(|| speaker::opening_subject(toks, at))
                .flatten()
        })?;
    plausible_source(toks, np).then_some(np)
}

/// Can a phrase found next to a learned cue name a source? A name, a
/// pronoun, a determiner or quantifier phrase, or a bare plural
/// (`officials`, `critics`); not a lone common word (`state`, `received`),
/// which is more often a verb or an object than a source.
fn plausible_source(toks: &[Tok], np: Np) -> bool {
    let words: Vec<&Tok> = toks[np.first..=np.last]
        .iter()
        .filter(|t| t.is_word())
        .collect();
    let Some(head) = words.last() else {
        return false;
    };
    if words.len() == 1 && lexicon::pronoun_kind(head.text).is_some() {
        return true;
    }
    if words.iter().any(|t| t.is_capitalised()) {
        return true;
    }
    let h = head.bare().to_lowercase();
    let plural = h.ends_with('s') && !h.ends_with("ss") && !h.ends_with("ous");
    let determined = words.len() > 1
        && (lexicon::is_determiner(words[0].text)
            || speaker::is_quantifier(words[0].text)
            || words[0].text.chars().all(|c| c.is_ascii_digit()));
    (determined || plural) && !h.ends_with("ing")
}

/// Does this token end content that a verb and its speaker may follow
/// (`“…,” said Smith`, `The plan is dead, said Smith`)?
fn ends_content(t: &Tok) -> bool {
    t.is_punct(',') || t.kind == TokKind::CloseQuote || t.quoted
}

/// The speaker after the verb at `i`, inverted after a quotation or clause
/// (or at the sentence's start), unless the phrase there is the subject of
/// a clause of its own (`said the fees were …`).
fn inverted_np(toks: &[Tok], i: usize) -> Option<Np> {
    let after_content = i.checked_sub(1).is_none_or(|p| ends_content(&toks[p]));
    after_content
        .then(|| speaker::right_np(toks, i + 1))
        .flatten()
        .filter(|np| !starts_a_clause(toks, *np))
}

/// Is the phrase after a verb the subject of a clause it opens (`said the
/// fees were illegal`), not an inverted speaker (`said the mayor`)? A verb
/// of being or a modal follows it then.
fn starts_a_clause(toks: &[Tok], np: Np) -> bool {
    toks.get(np.last + 1).is_some_and(|t| {
        t.is_frame_word()
            && (lexicon::is_be_verb(t.text)
                || matches!(
                    t.text.to_lowercase().as_str(),
                    "would"
                        | "will"
                        | "could"
                        | "can"
                        | "should"
                        | "must"
                        | "might"
                        | "may"
                        | "had"
                        | "has"
                        | "have"
                ))
    })
}

/// The source of a finding verb at `i` (`show`, `found`, `suggested`): the
/// phrase right before it when its head is a report, poll or the like;
/// else such a head whose phrase the verb's subject opens with, across
/// an `of` complement (`a poll of shoppers showed`) or a participle and its
/// complement (`the report published Tuesday showed`, `records compiled by
/// the watchdog show`). Nothing else: `the senator found` is no finding.
fn finding_source(toks: &[Tok], i: usize) -> Option<Np> {
    let is_source = |np: &Np| lexicon::is_finding_source(toks[np.last].text);
    if let Some(np) = speaker::left_np(toks, i).filter(is_source) {
        return Some(np);
    }
    // `A poll of shoppers showed`: the whole phrase, headed by `poll`, when
    // a few plain words stand between `of` and the verb; `A tally by the
    // Ledger found`: its author, as after `according to a tally by`.
    let link = (i.saturating_sub(5)..i)
        .rev()
        .find(|&k| toks[k].is_frame_word() && matches!(toks[k].text, "of" | "by"));
    if let Some(link) = link.filter(|&link| {
        link + 1 < i
            && toks[link + 1..i].iter().all(|t| {
                t.is_frame_word()
                    && !lexicon::is_be_verb(t.text)
                    && lexicon::cue_strength(t.text).is_none()
                    && !matches!(t.text, "that" | "which" | "who")
            })
    }) {
        if let Some(head) = speaker::left_np_plain(toks, link).filter(is_source) {
            let first = if toks[link].text == "by" {
                link + 1
            } else {
                head.first
            };
            return Some(Np { first, last: i - 1 });
        }
    }
    // `The report published Tuesday showed`: back over a short participle
    // phrase, not past punctuation or a word that opens another clause.
    for k in (i.saturating_sub(8)..i).rev() {
        let t = &toks[k];
        if !t.is_frame_word()
            || lexicon::cue_strength(t.text).is_some_and(|_| k + 1 < i)
            || matches!(
                t.text.to_lowercase().as_str(),
                "that" | "which" | "who" | "as" | "while" | "and" | "but" | "because" | "when"
            )
        {
            return None;
        }
        let participle = t.text.chars().next().is_some_and(char::is_lowercase)
            && (t.text.ends_with("ed") || t.text.ends_with("en"));
        if participle && k >= 1 && lexicon::is_finding_source(toks[k - 1].text) {
            return speaker::left_np_plain(toks, k).filter(is_source);
        }
    }
    None
}
