// Runs one (DISABLED_) test of this very binary in a child process with extra environment
// variables: for behaviour fixed at process start (NDGPU_POOL_LIMIT is read once, when the pool
// initialises) and for what happens after main returns.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

struct ChildResult {
  int exit_code = -1;  // -1: did not exit normally (signal)
  std::string output;  // stdout and stderr together
};

inline ChildResult run_test_in_child(const std::string& test_name,
                                     const std::vector<std::pair<std::string, std::string>>& env) {
  int fds[2];
  if (pipe(fds) != 0) return {};
  std::fflush(nullptr);
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    dup2(fds[1], 2);
    close(fds[0]);
    close(fds[1]);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    const std::string filter = "--gtest_filter=" + test_name;
    char* argv[] = {const_cast<char*>("ndgpu_tests"), const_cast<char*>(filter.c_str()),
                    const_cast<char*>("--gtest_also_run_disabled_tests"), nullptr};
    execv("/proc/self/exe", argv);
    _exit(127);
  }
  close(fds[1]);
  ChildResult r;
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    r.output.append(buf, static_cast<size_t>(n));
  }
  close(fds[0]);
  int status = 0;
  while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (pid > 0 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  return r;
}
