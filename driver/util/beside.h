// SPDX-License-Identifier: GPL-3.0-or-later
// Work run on a thread of its own while the caller goes on: a system call that sleeps in the
// kernel (a cgroup migration waits for an RCU grace period) overlaps the caller's own work.
#pragma once

#include <exception>
#include <functional>
#include <thread>
#include <utility>

namespace cvirt::util {

class Beside {
public:
    explicit Beside(std::function<void()> work)
        : thread_([this, w = std::move(work)] {
              try {
                  w();
              } catch (...) {
                  error_ = std::current_exception();
              }
          }) {}
    // Waits for the work (an exception leaving the caller must not leave it running).
    ~Beside() {
        if (thread_.joinable()) thread_.join();
    }
    Beside(const Beside&) = delete;
    Beside& operator=(const Beside&) = delete;

    // Waits for the work to end; rethrows what it threw.
    void wait() {
        if (thread_.joinable()) thread_.join();
        if (error_) std::rethrow_exception(std::exchange(error_, nullptr));
    }

private:
    std::exception_ptr error_;  // before thread_: set by the thread
    std::thread thread_;
};

}  // namespace cvirt::util
