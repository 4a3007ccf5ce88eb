import type { Command } from 'commander';

const collect = (value: string, previous: string[]) => [...previous, value];

/** The flags `run` and `create` share (Docker's names and meanings). */
export function addCreateOptions(cmd: Command): Command {
  return cmd
    .option('--rm', 'remove the container when it exits')
    .option('-i, --interactive', 'keep STDIN open')
    .option('-t, --tty', 'allocate a pseudo-TTY')
    .option('-e, --env <K=V>', 'set environment variables', collect, [])
    .option('--env-file <file>', 'read in a file of environment variables', collect, [])
    .option('-w, --workdir <dir>', 'working directory inside the container')
    .option('-u, --user <user[:group]>', 'username or UID (format: <name|uid>[:<group|gid>])')
    .option('--entrypoint <cmd>', 'overwrite the default ENTRYPOINT of the image')
    .option('--name <name>', 'assign a name to the container')
    .option('-h, --hostname <name>', 'container host name')
    .option('--privileged', 'give extended privileges to this container')
    .option('--read-only', "mount the container's root filesystem as read only")
    .option('-v, --volume <spec>', 'bind mount a volume (/host:/ctr[:ro], name:/ctr, /ctr)', collect, [])
    .option('--mount <spec>', 'attach a filesystem mount (type=bind|volume|tmpfs,source=…,target=…[,readonly])', collect, [])
    .option('--tmpfs <path[:opts]>', 'mount a tmpfs directory', collect, [])
    .option('--network <network>', 'connect a container to a network (bridge, host, none, container:NAME, or a user network)')
    .option('-p, --publish <spec>', "publish a container's port(s) to the host ([IP:][HOSTPORT:]PORT[/PROTO])", collect, [])
    .option('-P, --publish-all', 'publish all exposed ports to random ports')
    .option('--expose <port>', 'expose a port or a range of ports', collect, [])
    .option('--ip <address>', 'IPv4 address (e.g., 10.202.0.10) on a user-defined network')
    .helpOption('--help', 'display help for command')
    .passThroughOptions();
}
