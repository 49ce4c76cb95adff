#include "core/background_worker.h"

#include <cstdio>

#include "core/advance_time.h"
#include "core/kms_error.h"

namespace rotor::core {

BackgroundWorker::BackgroundWorker(KmsService& service, const Clock& clock, Millis tick,
                                   std::function<bool()> may_fire)
    : service_(service), clock_(clock), tick_(tick), may_fire_(std::move(may_fire)) {}

BackgroundWorker::~BackgroundWorker() { Stop(); }

void BackgroundWorker::Start() {
  if (!thread_.joinable()) thread_ = std::thread([this] { Run(); });
}

void BackgroundWorker::Wake() {
  std::lock_guard lock(mu_);
  woken_ = true;
  cv_.notify_one();
}

void BackgroundWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void BackgroundWorker::Run() {
  for (;;) {
    try {
      if (!may_fire_ || may_fire_()) AdvanceTime(service_, clock_.Now());
      service_.FlushUsage();
    } catch (const std::exception& e) {
      // The next tick retries; a failing disk must not kill the worker.
      std::fprintf(stderr, "rotor: background work failed: %s\n", e.what());
    }
    std::unique_lock lock(mu_);
    if (stopping_) break;
    cv_.wait_for(lock, tick_, [this] { return stopping_ || woken_; });
    woken_ = false;
    if (stopping_) break;
  }
  try {
    service_.FlushUsage();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "rotor: flushing key usage at shutdown failed: %s\n", e.what());
  }
}

}  // namespace rotor::core
