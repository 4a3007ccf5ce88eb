{
  "targets": [
    {
      "target_name": "tsrun_native",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/addon.cc", "native/spawn.c", "native/fd-pass.c", "native/mounts.c", "native/fsops.c", "native/confine.c",
                      "native/seccomp.c", "native/cgroup-bpf.c"],
          "libraries": ["-lseccomp"],
          "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
          "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS_MAYBE", "NODE_ADDON_API_DISABLE_CPP_EXCEPTIONS"],
          "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
          "cflags_cc": ["-std=c++17", "-fno-exceptions"],
          "cflags_c": ["-std=gnu11"]
        }]
      ]
    },
    {
      "target_name": "tsrun-monitor",
      "type": "executable",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/monitor.c", "native/monitor-io.c", "native/proc-stat.c", "native/monitor-attach.c", "native/plan-codec.c", "native/spawn.c", "native/fd-pass.c", "native/mounts.c",
                      "native/confine.c", "native/rootfs-userns.c", "native/monitor-cgroup.c", "native/probe.c"],
          "cflags": ["-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
          "cflags_c": ["-std=gnu11"]
        }]
      ]
    },
    {
      "target_name": "tsrun-oci-fast",
      "type": "executable",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/oci-fast.c", "native/proc-stat.c"],
          "cflags": ["-Wall", "-Wextra", "-O2"],
          "cflags_c": ["-std=gnu11"]
        }]
      ]
    },
    {
      "target_name": "tsrun-init",
      "type": "executable",
      "conditions": [
        ["OS=='linux'", {
          "sources": ["native/init.c"],
          "cflags": ["-Wall", "-Wextra", "-O2"],
          "cflags_c": ["-std=gnu11"],
          "ldflags": ["-static"]
        }]
      ]
    }
  ]
}
