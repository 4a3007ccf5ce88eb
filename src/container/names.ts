import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'admiring', 'blissful', 'bold', 'brave', 'busy', 'calm', 'clever', 'cool', 'dazzling', 'eager', 'elastic',
  'epic', 'festive', 'focused', 'gallant', 'gifted', 'happy', 'hungry', 'jolly', 'keen', 'kind', 'laughing',
  'lucid', 'magical', 'modest', 'nifty', 'nostalgic', 'peaceful', 'quirky', 'relaxed', 'serene', 'sharp',
  'silly', 'stoic', 'sweet', 'tender', 'trusting', 'upbeat', 'vibrant', 'wizardly', 'youthful', 'zealous',
];
const NOUNS = [
  'babbage', 'bell', 'bohr', 'curie', 'darwin', 'dijkstra', 'einstein', 'euler', 'fermat', 'feynman', 'galileo',
  'gauss', 'hopper', 'hypatia', 'kepler', 'knuth', 'lamport', 'liskov', 'lovelace', 'mayer', 'meitner', 'newton',
  'noether', 'pascal', 'pike', 'ritchie', 'shannon', 'thompson', 'torvalds', 'turing', 'wozniak', 'yonath',
];

/** adjective_noun, as Docker names containers. */
export function generateName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}_${NOUNS[randomInt(NOUNS.length)]}`;
}

export function isValidName(name: string): boolean {
  return /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/.test(name);
}
