/** The only code that writes to stdout (data); talk goes to stderr. */
export interface Output {
  out(text: string): void;
  err(text: string): void;
}

export const processOutput: Output = {
  out: (text) => { process.stdout.write(text); },
  err: (text) => { process.stderr.write(text); },
};
