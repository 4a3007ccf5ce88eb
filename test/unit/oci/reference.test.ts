import t from 'tap';
import { conformanceFile, conformanceGroups, errorOf } from '../../helpers/conformance.js';
import { existsSync } from 'node:fs';
import {
  anchoredDomainRegexp,
  anchoredIdentifierRegexp,
  anchoredNameRegexp,
  familiarMatch,
  familiarName,
  familiarString,
  formatReference,
  isNamedReference,
  normalizeReference,
  parseAnyReference,
  parseCanonicalReference,
  parseRawReference,
  parseReference,
  referenceName,
  referenceRegexp,
  withDigest,
  withName,
  withTag,
} from '../../../src/oci/reference.js';

const casesFile = conformanceFile('reference', 'cases.json');

/* eslint-disable @typescript-eslint/no-explicit-any -- rows are untyped JSON */
type Row = any;

t.test('own cases (run with or without the conformance data)', async (t) => {
  t.same(parseReference('ubuntu'), { domain: 'docker.io', path: 'library/ubuntu' });
  t.same(parseReference('jamtur01/puppet'), { domain: 'docker.io', path: 'jamtur01/puppet' });
  t.same(parseReference('localhost:5000/a/b:tag'), { domain: 'localhost:5000', path: 'a/b', tag: 'tag' });
  t.equal(parseReference('index.docker.io/foo').domain, 'docker.io');
  const d = 'sha256:' + 'a'.repeat(64);
  t.same(parseReference(`name:tag@${d}`), { domain: 'docker.io', path: 'library/name', tag: 'tag', digest: d });
  t.equal(normalizeReference('ubuntu'), 'docker.io/library/ubuntu:latest');
  t.equal(normalizeReference(`ubuntu:22.04@${d}`), `docker.io/library/ubuntu@${d}`);
  t.equal(familiarString(parseReference('ubuntu:22.04')), 'ubuntu:22.04');
  t.equal(familiarName(parseReference('docker.io/library/foo/bar')), 'library/foo/bar');
  t.equal(errorOf(() => parseRawReference('Foo')), 'repository name must be lowercase');
  t.equal(errorOf(() => parseReference('docker/Docker')), 'invalid reference format: repository name (docker/Docker) must be lowercase');
  t.equal(errorOf(() => parseReference('a'.repeat(64))), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`);
  t.equal(errorOf(() => withTag(withName('busybox'), '-x')), 'invalid tag format');
  t.equal(errorOf(() => familiarMatch('[-x]', parseReference('foo'))), 'syntax error in pattern');
  t.equal(errorOf(() => parseRawReference(`x@sha256:${'A'.repeat(64)}`)), 'invalid checksum digest format');
});

const haveData = existsSync(casesFile);
t.test('distribution/reference conformance', { skip: haveData ? false : `conformance data not found at ${casesFile} (outside the tsrun workplace); only the own cases ran` }, async (t) => {
  const cases = conformanceGroups(casesFile);
  const { groups, rows } = cases;

  t.test('parse', async (t) => {
    for (const c of rows('parse')) {
      if (c.error) {
        t.equal(errorOf(() => parseRawReference(c.input)), c.error, c.input);
        continue;
      }
      const ref = parseRawReference(c.input);
      t.equal(formatReference(ref), c.input, `round trip ${c.input}`);
      t.equal(referenceName(ref), c.repository, `name ${c.input}`);
      t.equal(ref.domain, c.domain, `domain ${c.input}`);
      t.equal(ref.tag ?? '', c.tag, `tag ${c.input}`);
      t.equal(ref.digest ?? '', c.digest, `digest ${c.input}`);
    }
  });

  t.test('with_name_failure', async (t) => {
    for (const c of rows('with_name_failure')) t.equal(errorOf(() => withName(c.input)), c.error, c.input);
  });

  t.test('domain_and_path', async (t) => {
    for (const c of rows('domain_and_path')) {
      const ref = withName(c.input);
      t.same([ref.domain, ref.path], [c.domain, c.path], c.input);
    }
  });

  t.test('serialization', async (t) => {
    for (const c of rows('serialization')) {
      const input: string = c.input ?? '';
      if (c.error) {
        t.equal(errorOf(() => parseRawReference(input)), c.error, c.description);
        continue;
      }
      const ref = parseRawReference(JSON.parse(JSON.stringify(input)));
      t.equal(referenceName(ref), c.name, c.description);
      t.equal(ref.tag, c.tag, c.description);
      t.equal(ref.digest, c.digest, c.description);
      t.equal(JSON.stringify(formatReference(ref)), JSON.stringify(input), c.description);
    }
  });

  t.test('with_tag', async (t) => {
    for (const c of rows('with_tag')) {
      let ref = withName(c.name);
      if (c.digest) ref = withDigest(ref, c.digest);
      t.equal(formatReference(withTag(ref, c.tag)), c.combined);
    }
  });

  t.test('with_digest', async (t) => {
    for (const c of rows('with_digest')) {
      let ref = withName(c.name);
      if (c.tag) ref = withTag(ref, c.tag);
      t.equal(formatReference(withDigest(ref, c.digest)), c.combined);
    }
  });

  t.test('parse_named_canonical', async (t) => {
    for (const c of rows('parse_named_canonical')) {
      if (c.error) {
        t.equal(errorOf(() => parseCanonicalReference(c.input)), c.error, c.input);
        continue;
      }
      const ref = parseCanonicalReference(c.input);
      t.same([ref.domain, ref.path], [c.domain, c.path], c.input);
    }
  });

  t.test('normalized_valid_names', async (t) => {
    for (const s of rows('normalized_valid_names')) t.equal(errorOf(() => parseReference(s)), undefined, s);
  });

  t.test('normalized_invalid_names', async (t) => {
    for (const s of rows('normalized_invalid_names')) t.type(errorOf(() => parseReference(s)), 'string', s);
  });

  t.test('repository_info', async (t) => {
    for (const c of rows('repository_info')) {
      for (const input of [c.FamiliarName, c.FullName, c.AmbiguousName].filter((s: string) => s !== '')) {
        const ref = parseReference(input);
        t.equal(familiarName(ref), c.FamiliarName, `familiar ${input}`);
        t.equal(formatReference(ref), c.FullName, `full ${input}`);
        t.equal(ref.domain, c.Domain, `domain ${input}`);
        t.equal(ref.path, c.RemoteName, `path ${input}`);
      }
    }
  });

  t.test('tag_and_digest', async (t) => {
    for (const c of rows('tag_and_digest')) {
      if (c.normalize_error) {
        t.type(errorOf(() => parseReference(c.input)), 'string', c.input);
      } else if (c.with_tag_error) {
        t.equal(errorOf(() => withTag(parseReference(c.input), c.with_tag)), 'invalid tag format');
      } else if (c.with_digest_error) {
        t.equal(errorOf(() => withDigest(parseReference(c.input), c.with_digest)), 'invalid digest format');
      } else {
        const ref = parseReference(c.input);
        t.equal(formatReference(ref), c.normalized);
        t.equal(familiarString(ref), c.familiar);
        t.equal(ref.tag !== undefined, c.has_tag);
        t.equal(ref.digest !== undefined, c.has_digest);
      }
    }
  });

  t.test('parse_any_reference', async (t) => {
    for (const c of rows('parse_any_reference')) {
      const ref = parseAnyReference(c.Reference);
      t.equal(formatReference(ref), c.Equivalent, c.Reference);
      if (c.expect_kind === 'digest-only') {
        t.notOk(isNamedReference(ref), `digest-only ${c.Reference}`);
        t.equal(ref.digest, c.expect_digest);
      } else {
        t.same(ref, parseRawReference(c.Equivalent), `same as Parse ${c.Equivalent}`);
      }
    }
  });

  t.test('normalized_split_hostname', async (t) => {
    for (const c of rows('normalized_split_hostname')) {
      const ref = parseReference(c.input);
      t.same([ref.domain, ref.path], [c.domain, c.path], c.input);
    }
  });

  t.test('familiar_match', async (t) => {
    for (const c of rows('familiar_match')) {
      t.equal(familiarMatch(c.pattern, parseAnyReference(c.reference)), c.expected, `${c.pattern} ~ ${c.reference}`);
    }
    for (const c of groups.familiar_match.error_patterns as Row[]) {
      cases.count();
      t.equal(errorOf(() => familiarMatch(c.pattern, parseAnyReference(c.reference))), 'syntax error in pattern');
    }
  });

  t.test('parse_docker_ref', async (t) => {
    for (const c of rows('parse_docker_ref')) t.equal(normalizeReference(c.input), c.expected, c.name);
  });

  t.test('regexp_domain', async (t) => {
    for (const c of rows('regexp_domain')) t.equal(anchoredDomainRegexp.test(c.input), c.match, c.input);
  });

  t.test('regexp_full_name', async (t) => {
    for (const c of rows('regexp_full_name')) {
      const m = anchoredNameRegexp.exec(c.input);
      t.equal(m !== null, c.match, c.input);
      if (m && c.subs) t.same([m[1] ?? '', m[2] ?? ''], c.subs, `subs ${c.input}`);
    }
  });

  t.test('regexp_reference', async (t) => {
    for (const c of rows('regexp_reference')) {
      const m = referenceRegexp.exec(c.input);
      t.equal(m !== null, c.match, c.input);
      if (m && c.subs) t.same([m[1] ?? '', m[2] ?? '', m[3] ?? ''], c.subs, `subs ${c.input}`);
    }
  });

  t.test('regexp_identifier', async (t) => {
    for (const c of rows('regexp_identifier')) t.equal(anchoredIdentifierRegexp.test(c.input), c.match, c.input);
  });

  // Subtests run in order, so this one sees every group above.
  t.test('every group was checked', async (t) => {
    t.same(cases.unseen(), []);
    t.equal(cases.checked, 318, '317 rows + 1 familiar_match error pattern');
    t.comment(`${cases.checked} reference conformance cases checked`);
  });
});
