#include "storage/postgres_health_probe.h"

#include <cstdio>

namespace rotor::storage {

PostgresHealthProbe::PostgresHealthProbe(std::string url, std::string name)
    : url_(std::move(url)), name_(std::move(name)), thread_([this] { Loop(); }) {}

PostgresHealthProbe::~PostgresHealthProbe() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

core::StoreHealth PostgresHealthProbe::Health() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock lock(mu_);
  if (!probing_ && !requested_ && Clock::now() - checked_at_ >= kRefresh) {
    requested_ = true;
    wake_.notify_one();
  }
  done_.wait_for(lock, kWait, [&] { return !requested_ && !probing_; });
  bool hung = probing_ && Clock::now() - probe_started_ >= kHang;
  if (reachable_ && !hung) return {};
  return {core::StoreHealth::Status::kUnreachable, kUnreachable};
}

void PostgresHealthProbe::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || requested_; });
    if (stopping_) return;
    requested_ = false;
    probing_ = true;
    probe_started_ = std::chrono::steady_clock::now();
    lock.unlock();
    std::string problem = Probe();
    lock.lock();
    probing_ = false;
    checked_at_ = std::chrono::steady_clock::now();
    // The log says each change once, with libpq's words.
    if (reachable_ && !problem.empty()) {
      std::fprintf(stderr, "rotor: %s does not answer: %s\n", name_.c_str(), problem.c_str());
    } else if (!reachable_ && problem.empty()) {
      std::fprintf(stderr, "rotor: %s answers again\n", name_.c_str());
    }
    reachable_ = problem.empty();
    done_.notify_all();
  }
}

std::string PostgresHealthProbe::Probe() {
  try {
    if (!db_ || !db_->ok()) db_ = std::make_unique<PgConn>(url_, /*connect_timeout_s=*/2);
    db_->Query("SELECT 1 FROM store_state WHERE id = 1");
    return {};
  } catch (const StorageError& e) {
    db_.reset();  // reopened by the next probe
    return e.what();
  }
}

}  // namespace rotor::storage
