// N-API glue only: validate arguments, turn JS values into plain C structs,
// turn -errno results into JS errors. The only file that includes napi.h.
#include <napi.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <sys/file.h>
#include <sys/sysmacros.h>

extern "C" {
#include "cgroup-bpf.h"
#include "fsops.h"
#include "seccomp.h"
#include "spawn.h"
}

namespace {

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& path = "") {
  std::string msg = std::string(syscall) + ": " + strerror(err);
  if (!path.empty()) msg += " '" + path + "'";
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  if (!path.empty()) e.Set("path", Napi::String::New(env, path));
  return e;
}

void ThrowIf(Napi::Env env, long rc, const char* syscall, const std::string& path = "") {
  if (rc < 0) ErrnoError(env, (int)-rc, syscall, path).ThrowAsJavaScriptException();
}

std::string Str(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

bool Has(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return !v.IsUndefined() && !v.IsNull();
}

double Num(const Napi::Object& o, const char* key, double dflt = 0) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : dflt;
}

uint64_t Big(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  bool lossless = true;
  return v.IsBigInt() ? v.As<Napi::BigInt>().Uint64Value(&lossless) : 0;
}

std::vector<std::string> Strings(const Napi::Object& o, const char* key) {
  std::vector<std::string> out;
  Napi::Value v = o.Get(key);
  if (!v.IsArray()) return out;
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) out.push_back(a.Get(i).As<Napi::String>().Utf8Value());
  return out;
}

// Owns every string the plan points to; lives until tsrun_spawn returns
// (the child has its own copy of this memory after clone).
struct PlanStorage {
  std::vector<std::string> candidates, argv, env, symlinks, mkdirs, masked, readonly;
  std::vector<const char*> candidate_ptrs, argv_ptrs, env_ptrs, symlink_ptrs, mkdir_ptrs, masked_ptrs, readonly_ptrs;
  std::vector<std::string> mount_strings;  // 4 per mount
  std::vector<tsrun_mount_entry> mounts;
  std::vector<std::string> device_paths;
  std::vector<tsrun_device> devices;
  std::vector<gid_t> groups;
  std::string cwd, hostname, rootfs, mount_cwd, netns;
  std::vector<std::string> cgroup_procs;
  std::vector<const char*> cgroup_proc_ptrs;
  std::vector<unsigned char> seccomp;
  std::vector<tsrun_rlimit> rlimits;
};

std::vector<const char*> Pointers(const std::vector<std::string>& v, bool null_terminated) {
  std::vector<const char*> out;
  for (const auto& s : v) out.push_back(s.c_str());
  if (null_terminated) out.push_back(nullptr);
  return out;
}

void ReadMounts(const Napi::Object& o, PlanStorage& st) {
  Napi::Array a = o.Get("mounts").As<Napi::Array>();
  st.mount_strings.reserve(a.Length() * 4);
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Object m = a.Get(i).As<Napi::Object>();
    for (const char* k : {"source", "target", "fstype", "data"}) st.mount_strings.push_back(Str(m, k));
  }
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Object m = a.Get(i).As<Napi::Object>();
    const std::string* s = &st.mount_strings[i * 4];
    tsrun_mount_entry tm;
    memset(&tm, 0, sizeof tm);
    tm.from_parent = m.Get("fromParent").ToBoolean().Value() ? 1 : 0;
    tm.source = s[0].empty() ? nullptr : s[0].c_str();
    tm.target = s[1].c_str();
    tm.fstype = s[2].empty() ? nullptr : s[2].c_str();
    tm.data = s[3].empty() ? nullptr : s[3].c_str();
    tm.flags = (unsigned long)Num(m, "flags");
    tm.is_file = m.Get("isFile").ToBoolean().Value() ? 1 : 0;
    tm.in_root = m.Get("inRoot").ToBoolean().Value() ? 1 : 0;
    st.mounts.push_back(tm);
  }
}

void ReadDevices(const Napi::Object& o, PlanStorage& st) {
  Napi::Array a = o.Get("devices").As<Napi::Array>();
  for (uint32_t i = 0; i < a.Length(); i++) st.device_paths.push_back(Str(a.Get(i).As<Napi::Object>(), "path"));
  for (uint32_t i = 0; i < a.Length(); i++) {
    Napi::Object d = a.Get(i).As<Napi::Object>();
    tsrun_device td;
    td.path = st.device_paths[i].c_str();
    td.mode = (mode_t)Num(d, "mode");
    td.dev = makedev((unsigned)Num(d, "major"), (unsigned)Num(d, "minor"));
    td.uid = (uid_t)Num(d, "uid");
    td.gid = (gid_t)Num(d, "gid");
    st.devices.push_back(td);
  }
}

// Cgroup join, namespaces made after the user namespace, seccomp program.
void ReadConfinement(const Napi::Object& o, PlanStorage& st, tsrun_spawn_plan& p) {
  p.unshare_flags = (unsigned long)Num(o, "unshareFlags");
  st.cgroup_procs = Strings(o, "cgroupProcs");
  st.cgroup_proc_ptrs = Pointers(st.cgroup_procs, false);
  p.cgroup_procs = st.cgroup_proc_ptrs.data();
  p.ncgroup_procs = st.cgroup_proc_ptrs.size();
  Napi::Value filter = o.Get("seccomp");
  if (filter.IsBuffer()) {
    Napi::Buffer<unsigned char> b = filter.As<Napi::Buffer<unsigned char>>();
    st.seccomp.assign(b.Data(), b.Data() + b.Length());
    p.seccomp = st.seccomp.data();
    p.seccomp_len = st.seccomp.size();
  }
}

void ReadPlan(const Napi::Object& o, PlanStorage& st, tsrun_spawn_plan& p) {
  memset(&p, 0, sizeof p);
  st.candidates = Strings(o, "candidates");
  st.argv = Strings(o, "argv");
  st.env = Strings(o, "env");
  st.symlinks = Strings(o, "symlinks");
  st.mkdirs = Strings(o, "mkdirs");
  st.masked = Strings(o, "maskedPaths");
  st.readonly = Strings(o, "readonlyPaths");
  st.candidate_ptrs = Pointers(st.candidates, false);
  st.argv_ptrs = Pointers(st.argv, true);
  st.env_ptrs = Pointers(st.env, true);
  st.symlink_ptrs = Pointers(st.symlinks, false);
  st.mkdir_ptrs = Pointers(st.mkdirs, false);
  st.masked_ptrs = Pointers(st.masked, false);
  st.readonly_ptrs = Pointers(st.readonly, false);
  ReadMounts(o, st);
  ReadDevices(o, st);
  Napi::Value groups = o.Get("groups");
  if (groups.IsArray()) {
    Napi::Array a = groups.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) st.groups.push_back((gid_t)a.Get(i).ToNumber().Uint32Value());
  }
  st.cwd = Str(o, "cwd");
  st.hostname = Str(o, "hostname");
  st.rootfs = Str(o, "rootfs");
  st.mount_cwd = Str(o, "mountCwd");

  p.clone_flags = (unsigned long)Num(o, "cloneFlags");
  p.candidates = st.candidate_ptrs.data();
  p.ncandidates = st.candidate_ptrs.size();
  p.argv = const_cast<char* const*>(st.argv_ptrs.data());
  p.envp = const_cast<char* const*>(st.env_ptrs.data());
  p.cwd = st.cwd.c_str();
  p.hostname = Has(o, "hostname") ? st.hostname.c_str() : nullptr;
  p.rootfs = Has(o, "rootfs") ? st.rootfs.c_str() : nullptr;
  p.mount_cwd = Has(o, "mountCwd") ? st.mount_cwd.c_str() : nullptr;
  p.uid = (uid_t)Num(o, "uid");
  p.gid = (gid_t)Num(o, "gid");
  p.groups = st.groups.data();
  p.ngroups = st.groups.size();
  Napi::Array stdio = o.Get("stdio").As<Napi::Array>();
  for (uint32_t i = 0; i < 3; i++) p.stdio[i] = stdio.Get(i).As<Napi::Number>().Int32Value();
  p.set_ctty = o.Get("setControllingTty").ToBoolean().Value();
  p.mounts = st.mounts.data();
  p.nmounts = st.mounts.size();
  p.devices = st.devices.data();
  p.ndevices = st.devices.size();
  p.symlinks = st.symlink_ptrs.data();
  p.nsymlinks = st.symlink_ptrs.size();
  p.mkdirs = st.mkdir_ptrs.data();
  p.nmkdirs = st.mkdir_ptrs.size();
  p.masked_paths = st.masked_ptrs.data();
  p.nmasked = st.masked_ptrs.size();
  p.readonly_paths = st.readonly_ptrs.data();
  p.nreadonly = st.readonly_ptrs.size();
  p.readonly_root = o.Get("readonlyRoot").ToBoolean().Value();
  p.loopback_up = o.Get("loopbackUp").ToBoolean().Value();
  p.pdeathsig = (int)Num(o, "parentDeathSignal");
  p.no_new_privs = o.Get("noNewPrivileges").ToBoolean().Value();
  p.set_caps = Has(o, "capabilities");
  if (p.set_caps) {
    Napi::Object c = o.Get("capabilities").As<Napi::Object>();
    p.cap_bounding = Big(c, "bounding");
    p.cap_effective = Big(c, "effective");
    p.cap_permitted = Big(c, "permitted");
    p.cap_inheritable = Big(c, "inheritable");
    p.cap_ambient = Big(c, "ambient");
  }
  p.max_fd = (int)Num(o, "maxFd", 1024);
  p.exec_fifo_fd = Has(o, "execFifoFd") ? (int)Num(o, "execFifoFd") : -1;
  Napi::Value limits = o.Get("rlimits");
  if (limits.IsArray()) {
    Napi::Array a = limits.As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) {
      Napi::Object r = a.Get(i).As<Napi::Object>();
      st.rlimits.push_back({(int)Num(r, "resource"), Big(r, "soft"), Big(r, "hard")});
    }
    p.rlimits = st.rlimits.data();
    p.nrlimits = st.rlimits.size();
  }
  st.netns = Str(o, "netnsPath");
  p.netns_path = Has(o, "netnsPath") ? st.netns.c_str() : nullptr;
  ReadConfinement(o, st, p);
}

// spawn(plan) clones into new namespaces; spawn(plan, nsFds) joins a
// container's namespaces instead (`tsrun exec`).
Napi::Value Spawn(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsObject()) {
    Napi::TypeError::New(env, "spawn(plan): plan must be an object").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  PlanStorage storage;
  tsrun_spawn_plan plan;
  ReadPlan(info[0].As<Napi::Object>(), storage, plan);
  if (env.IsExceptionPending()) return env.Undefined();
  std::vector<int> ns_fds;
  if (info.Length() > 1 && info[1].IsArray()) {
    Napi::Array a = info[1].As<Napi::Array>();
    for (uint32_t i = 0; i < a.Length(); i++) ns_fds.push_back(a.Get(i).ToNumber().Int32Value());
  }
  plan.join_ns_fds = ns_fds.data();
  plan.njoin_ns = ns_fds.size();
  tsrun_spawn_result res;
  int rc = ns_fds.empty() ? tsrun_spawn(&plan, &res) : tsrun_spawn_join(&plan, &res);
  if (rc < 0) {
    ThrowIf(env, rc, "clone");
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("pid", res.pid);
  out.Set("syncFd", res.sync_fd);
  out.Set("errFd", res.err_fd);
  return out;
}

// Runs a blocking call on its own thread (not libuv's pool, which a long
// waitpid or flock would starve) and settles a promise on the JS thread.
template <typename Work, typename Settle>
Napi::Value OnThread(Napi::Env env, const char* name, Work work, Settle settle) {
  auto deferred = std::make_shared<Napi::Promise::Deferred>(env);
  auto tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}), name, 0, 1);
  std::thread([tsfn, deferred, work, settle]() mutable {
    auto result = work();
    tsfn.BlockingCall([deferred, settle, result](Napi::Env env, Napi::Function) { settle(env, *deferred, result); });
    tsfn.Release();
  }).detach();
  return deferred->Promise();
}

struct WaitResult { int rc, code, signal; };

Napi::Value WaitPid(const Napi::CallbackInfo& info) {
  pid_t pid = info[0].As<Napi::Number>().Int32Value();
  return OnThread(
      info.Env(), "tsrun-waitpid",
      [pid]() { WaitResult r{0, 0, 0}; r.rc = tsrun_waitpid(pid, &r.code, &r.signal); return r; },
      [](Napi::Env env, Napi::Promise::Deferred& d, WaitResult r) {
        if (r.rc < 0) return d.Reject(ErrnoError(env, -r.rc, "waitpid").Value());
        Napi::Object o = Napi::Object::New(env);
        o.Set("code", r.code >= 0 ? Napi::Value(Napi::Number::New(env, r.code)) : env.Null());
        o.Set("signal", r.signal ? Napi::Value(Napi::Number::New(env, r.signal)) : env.Null());
        d.Resolve(o);
      });
}

Napi::Value Flock(const Napi::CallbackInfo& info) {
  int fd = info[0].As<Napi::Number>().Int32Value();
  std::string mode = info[1].As<Napi::String>().Utf8Value();
  int op = mode == "shared" ? LOCK_SH : mode == "exclusive" ? LOCK_EX : LOCK_UN;
  return OnThread(
      info.Env(), "tsrun-flock", [fd, op]() { return tsrun_flock(fd, op); },
      [](Napi::Env env, Napi::Promise::Deferred& d, int rc) {
        if (rc < 0) return d.Reject(ErrnoError(env, -rc, "flock").Value());
        d.Resolve(env.Undefined());
      });
}

Napi::Value Mknod(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  int rc = tsrun_mknod(path.c_str(), info[1].As<Napi::Number>().Uint32Value(), info[2].As<Napi::Number>().Uint32Value(),
                       info[3].As<Napi::Number>().Uint32Value());
  ThrowIf(info.Env(), rc, "mknod", path);
  return info.Env().Undefined();
}

Napi::Value Lsetxattr(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  Napi::Buffer<uint8_t> value = info[2].As<Napi::Buffer<uint8_t>>();
  ThrowIf(info.Env(), tsrun_lsetxattr(path.c_str(), name.c_str(), value.Data(), value.Length()), "lsetxattr", path);
  return info.Env().Undefined();
}

Napi::Value Lgetxattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::string name = info[1].As<Napi::String>().Utf8Value();
  for (;;) {
    ssize_t size = tsrun_lgetxattr(path.c_str(), name.c_str(), nullptr, 0);
    if (size == -ENODATA || size == -ENOTSUP) return env.Undefined();
    if (size < 0) return ThrowIf(env, size, "lgetxattr", path), env.Undefined();
    std::vector<uint8_t> buf(size > 0 ? size : 1);
    ssize_t n = tsrun_lgetxattr(path.c_str(), name.c_str(), buf.data(), buf.size());
    if (n == -ERANGE) continue;  // grew between the two calls
    if (n == -ENODATA) return env.Undefined();
    if (n < 0) return ThrowIf(env, n, "lgetxattr", path), env.Undefined();
    return Napi::Buffer<uint8_t>::Copy(env, buf.data(), n);
  }
}

Napi::Value Llistxattr(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  Napi::Array out = Napi::Array::New(env);
  for (;;) {
    ssize_t size = tsrun_llistxattr(path.c_str(), nullptr, 0);
    if (size == -ENOTSUP || size == 0) return out;
    if (size < 0) return ThrowIf(env, size, "llistxattr", path), env.Undefined();
    std::vector<char> buf(size);
    ssize_t n = tsrun_llistxattr(path.c_str(), buf.data(), buf.size());
    if (n == -ERANGE) continue;
    if (n < 0) return ThrowIf(env, n, "llistxattr", path), env.Undefined();
    uint32_t i = 0;
    for (ssize_t off = 0; off < n; off += strlen(buf.data() + off) + 1) out.Set(i++, std::string(buf.data() + off));
    return out;
  }
}

Napi::Value Mount(const Napi::CallbackInfo& info) {
  std::string source = info[0].As<Napi::String>().Utf8Value(), target = info[1].As<Napi::String>().Utf8Value();
  std::string fstype = info[2].As<Napi::String>().Utf8Value(), data = info[4].As<Napi::String>().Utf8Value();
  int rc = tsrun_mount(source.empty() ? nullptr : source.c_str(), target.c_str(), fstype.empty() ? nullptr : fstype.c_str(),
                       (unsigned long)info[3].As<Napi::Number>().Int64Value(), data.empty() ? nullptr : data.c_str());
  ThrowIf(info.Env(), rc, "mount", target);
  return info.Env().Undefined();
}

Napi::Value Umount(const Napi::CallbackInfo& info) {
  std::string target = info[0].As<Napi::String>().Utf8Value();
  ThrowIf(info.Env(), tsrun_umount(target.c_str(), info[1].As<Napi::Number>().Int32Value()), "umount", target);
  return info.Env().Undefined();
}

Napi::Value OpenPty(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int master = -1, slave = -1;
  char name[128];
  // with a root: from the devpts mounted in it (a container's), else the host's
  int rc = info.Length() > 0 && info[0].IsString()
               ? tsrun_openpty_in(info[0].As<Napi::String>().Utf8Value().c_str(), &master, &slave, name, sizeof name)
               : tsrun_openpty(&master, &slave, name, sizeof name);
  if (rc < 0) return ThrowIf(env, rc, "openpty"), env.Undefined();
  Napi::Object o = Napi::Object::New(env);
  o.Set("master", master);
  o.Set("slave", slave);
  o.Set("path", std::string(name));
  return o;
}

Napi::Value SetWinsize(const Napi::CallbackInfo& info) {
  int rc = tsrun_set_winsize(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Uint32Value(),
                             info[2].As<Napi::Number>().Uint32Value());
  ThrowIf(info.Env(), rc, "ioctl(TIOCSWINSZ)");
  return info.Env().Undefined();
}

// compileSeccomp({defaultAction, architectures, syscalls: [{name, action, args}]}) -> Buffer of BPF.
Napi::Value CompileSeccomp(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object o = info[0].As<Napi::Object>();
  std::vector<std::string> arches = Strings(o, "architectures");
  std::vector<const char*> arch_ptrs = Pointers(arches, false);
  Napi::Array calls = o.Get("syscalls").As<Napi::Array>();
  std::vector<std::string> names(calls.Length());
  std::vector<std::vector<tsrun_seccomp_arg>> args(calls.Length());
  std::vector<tsrun_seccomp_rule> rules(calls.Length());
  for (uint32_t i = 0; i < calls.Length(); i++) {
    Napi::Object c = calls.Get(i).As<Napi::Object>();
    names[i] = Str(c, "name");
    Napi::Array a = c.Get("args").As<Napi::Array>();
    for (uint32_t j = 0; j < a.Length(); j++) {
      Napi::Object arg = a.Get(j).As<Napi::Object>();
      args[i].push_back({(unsigned)Num(arg, "index"), (int)Num(arg, "op"), Big(arg, "value"), Big(arg, "valueTwo")});
    }
    rules[i] = {names[i].c_str(), (uint32_t)Num(c, "action"), args[i].data(), args[i].size()};
  }
  tsrun_seccomp_profile profile = {(uint32_t)Num(o, "defaultAction"), arch_ptrs.data(), arch_ptrs.size(), rules.data(), rules.size()};
  unsigned char* bpf = nullptr;
  size_t len = 0;
  int bad = -1;
  int rc = tsrun_seccomp_compile(&profile, &bpf, &len, &bad);
  if (rc < 0) {
    Napi::Error e = ErrnoError(env, -rc, "seccomp", bad >= 0 ? names[bad] : "");
    e.Set("rule", Napi::Number::New(env, bad));
    e.ThrowAsJavaScriptException();
    return env.Undefined();
  }
  Napi::Buffer<unsigned char> out = Napi::Buffer<unsigned char>::Copy(env, bpf, len);
  free(bpf);
  return out;
}

// seccompVersion() -> "2.5.4": the libseccomp that compileSeccomp uses.
Napi::Value SeccompVersion(const Napi::CallbackInfo& info) {
  char v[64];
  tsrun_seccomp_version(v, sizeof v);
  return Napi::String::New(info.Env(), v);
}

// attachDeviceFilter(cgroupDir, insns): a BPF_PROG_TYPE_CGROUP_DEVICE program on a cgroup v2 dir.
Napi::Value AttachDeviceFilter(const Napi::CallbackInfo& info) {
  std::string dir = info[0].As<Napi::String>().Utf8Value();
  Napi::Buffer<uint8_t> insns = info[1].As<Napi::Buffer<uint8_t>>();
  char log[4096] = {0};
  int rc = tsrun_attach_device_filter(dir.c_str(), insns.Data(), insns.Length(), log, sizeof log);
  if (rc < 0) {
    Napi::Error e = ErrnoError(info.Env(), -rc, "bpf", dir);
    e.Set("verifierLog", Napi::String::New(info.Env(), log));
    e.ThrowAsJavaScriptException();
  }
  return info.Env().Undefined();
}

// sendFd(socketPath, fd, name): runc's console socket protocol (utils.SendFd).
Napi::Value SendFd(const Napi::CallbackInfo& info) {
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::string name = info[2].As<Napi::String>().Utf8Value();
  int rc = tsrun_send_fd(path.c_str(), info[1].As<Napi::Number>().Int32Value(), name.c_str());
  ThrowIf(info.Env(), rc, "sendmsg", path);
  return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("sendFd", Napi::Function::New(env, SendFd));
  exports.Set("spawn", Napi::Function::New(env, Spawn));
  exports.Set("waitpid", Napi::Function::New(env, WaitPid));
  exports.Set("flock", Napi::Function::New(env, Flock));
  exports.Set("mknod", Napi::Function::New(env, Mknod));
  exports.Set("lsetxattr", Napi::Function::New(env, Lsetxattr));
  exports.Set("lgetxattr", Napi::Function::New(env, Lgetxattr));
  exports.Set("llistxattr", Napi::Function::New(env, Llistxattr));
  exports.Set("mount", Napi::Function::New(env, Mount));
  exports.Set("umount", Napi::Function::New(env, Umount));
  exports.Set("openpty", Napi::Function::New(env, OpenPty));
  exports.Set("setWinsize", Napi::Function::New(env, SetWinsize));
  exports.Set("compileSeccomp", Napi::Function::New(env, CompileSeccomp));
  exports.Set("seccompVersion", Napi::Function::New(env, SeccompVersion));
  exports.Set("attachDeviceFilter", Napi::Function::New(env, AttachDeviceFilter));
  return exports;
}

}  // namespace

NODE_API_MODULE(tsrun_native, Init)
