export const say = (line = '') => process.stdout.write(`${line}\n`);
export const loud = (line: string) => process.stdout.write(`\n\x1b[33;1m!! ${line}\x1b[0m\n\n`);
