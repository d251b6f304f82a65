/**
 * The classic English stop-word list (the Glasgow IR group's list as scikit-learn ships it), used by
 * the plain TF-IDF baseline so the baseline is the conventional one.
 */
export const ENGLISH_STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a about above across after afterwards again against all almost alone along already also although ' +
    'always am among amongst amoungst amount an and another any anyhow anyone anything anyway anywhere ' +
    'are around as at back be became because become becomes becoming been before beforehand behind being ' +
    'below beside besides between beyond bill both bottom but by call can cannot cant co con could couldnt ' +
    'cry de describe detail do done down due during each eg eight either eleven else elsewhere empty enough ' +
    'etc even ever every everyone everything everywhere except few fifteen fifty fill find fire first five ' +
    'for former formerly forty found four from front full further get give go had has hasnt have he hence ' +
    'her here hereafter hereby herein hereupon hers herself him himself his how however hundred i ie if in ' +
    'inc indeed interest into is it its itself keep last latter latterly least less ltd made many may me ' +
    'meanwhile might mill mine more moreover most mostly move much must my myself name namely neither never ' +
    'nevertheless next nine no nobody none noone nor not nothing now nowhere of off often on once one only ' +
    'onto or other others otherwise our ours ourselves out over own part per perhaps please put rather re ' +
    'same see seem seemed seeming seems serious several she should show side since sincere six sixty so some ' +
    'somehow someone something sometime sometimes somewhere still such system take ten than that the their ' +
    'them themselves then thence there thereafter thereby therefore therein thereupon these they thick thin ' +
    'third this those though three through throughout thru thus to together too top toward towards twelve ' +
    'twenty two un under until up upon us very via was we well were what whatever when whence whenever where ' +
    'whereafter whereas whereby wherein whereupon wherever whether which while whither who whoever whole whom ' +
    'whose why will with within without would yet you your yours yourself yourselves'
  ).split(' '),
);

/**
 * Words of the classic list that name things in bug reports ("empty", "call", "system", "name", …)
 * and so stay in, for the report tokenizer.
 */
const MEANINGFUL_IN_REPORTS = new Set([
  'back',
  'bottom',
  'call',
  'detail',
  'empty',
  'fill',
  'find',
  'fire',
  'front',
  'full',
  'keep',
  'last',
  'move',
  'name',
  'part',
  'show',
  'side',
  'system',
  'top',
  'down',
]);

/** Contractions and filler common in reports, which carry no topic. */
const REPORT_FILLER = [
  'don',
  'doesn',
  'didn',
  'isn',
  'wasn',
  'aren',
  'won',
  'hasn',
  'haven',
  'shouldn',
  'wouldn',
  'couldn',
  'll',
  've',
  'hi',
  'hello',
  'thanks',
  'thank',
  'just',
  'like',
  'using',
  'use',
  'used',
  'does',
  'did',
  'doing',
  'got',
  'want',
  'need',
  'able',
  'try',
  'tried',
  'way',
];

/** Stop words of the report tokenizer: the classic list, minus words that matter in reports, plus filler. */
export const REPORT_STOP_WORDS: ReadonlySet<string> = new Set([
  ...[...ENGLISH_STOP_WORDS].filter((w) => !MEANINGFUL_IN_REPORTS.has(w)),
  ...REPORT_FILLER,
]);
