import t from 'tap';
import { conformanceFile, conformanceGroups, errorOf } from '../../helpers/conformance.js';
import { existsSync } from 'node:fs';
import {
  DOCKERIGNORE_FILE,
  PatternMatcher,
  compilePattern,
  createIgnoreMatcher,
  dockerfileIgnoreFile,
  filterContext,
  matchesOrParentMatches,
  matchesPatterns,
  readIgnoreFile,
  type MatchInfo,
} from '../../../src/build/dockerignore.js';
import { compileGoRegexp } from '../../../src/build/go-regexp.js';
import { cleanPath, matchFilePath, matchPath } from '../../../src/core/go-path.js';

const casesFile = conformanceFile('dockerignore', 'cases.json');

/** Go's filepath.Dir split into components, as the upstream tests walk parents. */
function parentDirs(file: string): string[] {
  const dir = cleanPath(file.slice(0, file.lastIndexOf('/') + 1));
  return dir === '.' ? [] : dir.split('/');
}

/**
 * Every parent-aware API must give the same answer (upstream TestMatches):
 * MatchesOrParentMatches, MatchesUsingParentResults walking the parents and
 * without parent info, and createIgnoreMatcher. The deprecated
 * MatchesUsingParentResult is only held to single-pattern rows, as upstream.
 */
function allParentAware(patterns: string[], file: string): boolean[] {
  const pm = PatternMatcher.create(patterns);
  const parents = parentDirs(file);
  let parentMatched = false;
  let info: MatchInfo = { parentMatched: [] };
  parents.forEach((_, i) => {
    const dir = parents.slice(0, i + 1).join('/');
    parentMatched = pm.matchesUsingParentResult(dir, parentMatched);
    info = pm.matchesUsingParentResults(dir, info).info;
  });
  const results = [
    pm.matchesOrParentMatches(file),
    pm.matchesUsingParentResults(file, info).matched,
    pm.matchesUsingParentResults(file).matched,
    createIgnoreMatcher(patterns).matches(file),
  ];
  if (patterns.length === 1) results.push(pm.matchesUsingParentResult(file, parentMatched));
  return results;
}

t.test('own cases (run with or without the conformance data)', async (t) => {
  t.same(readIgnoreFile('\uFEFF# c\r\n /a/../b/ \r\n!  ./c\n\n  #x\n'), ['b', '!c', '#x']);
  const m = createIgnoreMatcher(['**/*.log', '!keep/*.log', 'node_modules']);
  t.ok(m.matches('a/b/c.log'));
  t.notOk(m.matches('keep/x.log'));
  t.ok(m.matches('node_modules/x/y.js'));
  t.notOk(m.matches('.'));
  t.same(filterContext(['Dockerfile', 'a.log', 'src/x.ts'], ['*.log']), ['Dockerfile', 'src/x.ts']);
  t.equal(errorOf(() => createIgnoreMatcher(['!'])), 'illegal exclusion pattern: "!"');
  t.equal(errorOf(() => createIgnoreMatcher(['a['])), 'syntax error in pattern');
  t.equal(dockerfileIgnoreFile('sub/Dockerfile2'), 'sub/Dockerfile2.dockerignore');
  // Escapes and classes mean what Go's regexp makes of them.
  t.ok(matchesOrParentMatches('a7', ['a\\d']));
  t.notOk(matchesOrParentMatches('ad', ['a\\d']));
  t.ok(matchesOrParentMatches('x9', ['x[[:digit:]]']));
  t.ok(matchesOrParentMatches('a]b', ['a]b']));
  t.equal(errorOf(() => matchesOrParentMatches('ae', ['a\\e'])), 'syntax error in pattern');
  t.ok(compileGoRegexp('^a{2}$').test('aa'));
  t.ok(compileGoRegexp('^a{$').test('a{'));
  t.notOk(compileGoRegexp('^.$').test('\n'));
  t.ok(compileGoRegexp('^.$').test('\r'));
  t.ok(compileGoRegexp('^\\pL\\x41\\101$').test('éAA'));
  t.ok(compileGoRegexp('^?a$').test('a'));
  // Upstream quirks, checked against Go: `|` reaches the regexp raw ...
  t.ok(matchesOrParentMatches('xb', ['a*|b']));
  // ... a leading BOM is skipped when compiling ...
  t.ok(matchesOrParentMatches('foo', ['\uFEFF*']));
  // ... and filepath.Match, unlike path.Match, stops checking syntax at the first mismatch.
  t.equal(errorOf(() => matchPath('a*[', '.')), 'syntax error in pattern');
  t.equal(matchFilePath('a*[', '.'), false);
  t.equal(errorOf(() => matchesOrParentMatches('ab', ['a*['])), 'syntax error in pattern');
  // Go matches bytes: a `*` may resume inside a multi-byte rune.
  t.equal(matchPath('*??', '☺'), true);
});

const haveData = existsSync(casesFile);
t.test('moby/patternmatcher conformance', { skip: haveData ? false : `conformance data not found at ${casesFile} (outside the tsrun workplace); only the own cases ran` }, async (t) => {
  const cases = conformanceGroups(casesFile);
  const { rows } = cases;

  t.test('matches', async (t) => {
    for (const c of rows('matches')) {
      const expected = Array<boolean>(5).fill(c.match);
      t.same(allParentAware([c.pattern], c.path), expected, `${c.pattern} ~ ${c.path}`);
    }
  });

  t.test('matches_multi', async (t) => {
    for (const c of rows('matches_multi')) {
      const expected = Array<boolean>(c.patterns.length === 1 ? 5 : 4).fill(c.match);
      t.same(allParentAware(c.patterns, c.path), expected, `${c.patterns.join(' ')} ~ ${c.path}`);
    }
  });

  t.test('simple', async (t) => {
    for (const c of rows('simple')) {
      const name = `${JSON.stringify(c.patterns)} ~ ${c.path}`;
      if (c.error) t.type(errorOf(() => matchesPatterns(c.path, c.patterns)), 'string', name);
      else t.equal(matchesPatterns(c.path, c.patterns), c.match, name);
    }
  });

  t.test('glob_match', async (t) => {
    for (const c of rows('glob_match')) {
      const name = `${c.pattern} ~ ${c.path}`;
      if (c.error) t.equal(errorOf(() => matchesPatterns(c.path, [c.pattern])), c.error, name);
      else t.equal(matchesPatterns(c.path, [c.pattern]), c.match, name);
    }
  });

  t.test('compile', async (t) => {
    for (const c of rows('compile')) {
      const expected = c.regexp === undefined ? { matchType: c.match_type } : { matchType: c.match_type, regexp: c.regexp };
      t.same(compilePattern(c.pattern), expected, c.pattern);
    }
  });

  t.test('malformed_pattern_at_match_time', async (t) => {
    for (const c of rows('malformed_pattern_at_match_time')) {
      const pm = PatternMatcher.create(c.patterns);
      t.equal(c.construct_ok, true);
      for (let i = 0; i < c.repeat_calls; i++) {
        t.equal(errorOf(() => pm.matchesOrParentMatches(c.path)), c.error, `call ${i + 1}`);
      }
    }
  });

  t.test('pattern_list_cleaning', async (t) => {
    for (const c of rows('pattern_list_cleaning')) {
      const name = JSON.stringify(c.patterns);
      if (c.error) {
        t.equal(errorOf(() => PatternMatcher.create(c.patterns)), c.error, name);
        continue;
      }
      const pm = PatternMatcher.create(c.patterns);
      if (c.expect_pattern_count !== undefined) t.equal(pm.patterns.length, c.expect_pattern_count, name);
      if (c.expect_has_exclusions !== undefined) t.equal(pm.exclusions, c.expect_has_exclusions, name);
    }
  });

  t.test('ignorefile_read', async (t) => {
    for (const c of rows('ignorefile_read')) t.same(readIgnoreFile(c.content), c.expect);
  });

  t.test('context_scenarios', async (t) => {
    for (const c of rows('context_scenarios')) {
      const files: Record<string, string> = c.files;
      const dockerfiles = Object.keys(files).filter((f) => /^Dockerfile\d*$/.test(f));
      for (const dockerfile of dockerfiles) {
        const own = dockerfileIgnoreFile(dockerfile);
        const ignoreFile = own in files ? own : DOCKERIGNORE_FILE;
        const patterns = readIgnoreFile(files[ignoreFile] ?? '');
        const name = `${c.name} (${dockerfile})`;
        if (c.expect_error) {
          t.type(errorOf(() => filterContext(Object.keys(files), patterns)), 'string', name);
          continue;
        }
        const kept = new Set(filterContext(Object.keys(files), patterns));
        for (const f of Object.keys(c.expect_present ?? {})) t.ok(kept.has(f), `${name}: ${f} kept`);
        for (const f of c.expect_absent ?? []) t.notOk(kept.has(f), `${name}: ${f} left out`);
        // The override scenario states its expectations as `[ -f x ]` tests in RUN.
        for (const m of files[dockerfile].matchAll(/\[ (!\s)?-f (\S+) \]/g)) {
          t.equal(kept.has(m[2]), m[1] === undefined, `${name}: ${m[0]}`);
        }
      }
    }
  });

  // Subtests run in order, so this one sees every group above.
  t.test('every group was checked', async (t) => {
    t.same(cases.unseen(), []);
    t.equal(cases.checked, 169);
    t.comment(`${cases.checked} dockerignore conformance cases checked`);
  });
});
