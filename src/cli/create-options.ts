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
    .option('--runtime <runtime>', 'run the container with another OCI runtime: crun, runc, or a path (tsrun-oci, ...)')
    .option('-v, --volume <spec>', 'bind mount a volume (/host:/ctr[:ro], name:/ctr, /ctr)', collect, [])
    .option('--mount <spec>', 'attach a filesystem mount (type=bind|volume|tmpfs,source=…,target=…[,readonly])', collect, [])
    .option('--tmpfs <path[:opts]>', 'mount a tmpfs directory', collect, [])
    .option('--network <network>', 'connect a container to a network (bridge, host, none, container:NAME, or a user network)')
    .option('-p, --publish <spec>', "publish a container's port(s) to the host ([IP:][HOSTPORT:]PORT[/PROTO])", collect, [])
    .option('-P, --publish-all', 'publish all exposed ports to random ports')
    .option('--expose <port>', 'expose a port or a range of ports', collect, [])
    .option('--ip <address>', 'IPv4 address (e.g., 10.202.0.10) on a user-defined network')
    .option('--cap-add <cap>', 'add Linux capabilities (ALL for every one)', collect, [])
    .option('--cap-drop <cap>', 'drop Linux capabilities (ALL for every one)', collect, [])
    .option('--security-opt <opt>', 'security options: no-new-privileges[=true|false], seccomp=unconfined|PROFILE.json', collect, [])
    .option('--device <spec>', 'add a host device to the container (HOST[:CONTAINER][:rwm])', collect, [])
    .option('--group-add <group>', 'add additional groups to join', collect, [])
    .option('-m, --memory <bytes>', 'memory limit (e.g. 64m)')
    .option('--memory-swap <bytes>', "swap limit equal to memory plus swap: '-1' to enable unlimited swap")
    .option('--cpus <number>', 'number of CPUs')
    .option('-c, --cpu-shares <number>', 'CPU shares (relative weight)')
    .option('--pids-limit <number>', 'tune container pids limit (set -1 for unlimited)')
    .option('--cgroup-parent <path>', 'optional parent cgroup for the container')
    .option('--userns <mode>', 'user namespace: host, or auto[:size=N] (a range of /etc/subuid of its own)')
    .option('--init', 'run an init inside the container that forwards signals and reaps processes')
    .helpOption('--help', 'display help for command')
    .passThroughOptions();
}
