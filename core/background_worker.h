// BackgroundWorker: the thread that runs Rotor's timed work off the request
// path. Every tick (and whenever Wake() is called) it fires the rotations and
// deletions that are due on the Clock (core::AdvanceTime up to now), then
// flushes key-usage records. With a virtual clock, time only moves through the
// admin endpoint, which runs AdvanceTime itself; the worker then only catches
// events made due "now" (an overdue key that is re-enabled, say).
//
// Thread safety: Wake and Stop may be called from any thread.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "core/clock.h"
#include "core/kms_service.h"

namespace rotor::core {

class BackgroundWorker {
 public:
  // `may_fire` (optional) is asked before every pass that fires due events:
  // false (another replica runs them: KeyRepository::HoldsWorkerLease) skips
  // the firing and keeps flushing this process's usage records.
  BackgroundWorker(KmsService& service, const Clock& clock, Millis tick = std::chrono::seconds(1),
                   std::function<bool()> may_fire = nullptr);
  ~BackgroundWorker();

  void Start();
  void Wake();
  // Finishes the current pass, flushes usage records and joins the thread.
  void Stop();

 private:
  void Run();

  KmsService& service_;
  const Clock& clock_;
  const Millis tick_;
  const std::function<bool()> may_fire_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;  // guarded by mu_
  bool woken_ = false;     // guarded by mu_
  std::thread thread_;
};

}  // namespace rotor::core
