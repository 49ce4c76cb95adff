// PostgresHealthProbe: whether the PostgreSQL server of a store answers, for
// GET /_rotor/health (core::StoreHealth), cheaply and without making the
// health answer wait on the network.
//
// A thread of its own runs one indexed one-row read (store_state) on a
// connection of its own, only when Health() is asked and the last result is
// a second old or more: idle replicas send nothing. Health() waits at most
// kWait for the probe it started, else answers the last result; a probe
// still unanswered after kHang counts as a failure (a server that does not
// answer serves no request either). A broken connection is reopened by the
// next probe, so health turns ok again as soon as the server is back.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "core/key_repository.h"
#include "storage/postgres_db.h"

namespace rotor::storage {

class PostgresHealthProbe {
 public:
  static constexpr std::chrono::milliseconds kRefresh{1000};  // at most one probe per second
  static constexpr std::chrono::milliseconds kWait{250};      // Health() waits no longer
  static constexpr std::chrono::milliseconds kHang{2000};     // an unanswered probe fails
  // The problem Health() names (Rotor's words, no libpq text, no host).
  static constexpr const char* kUnreachable =
      "Rotor's PostgreSQL database does not answer: KMS calls fail with KMSInternalException "
      "until it does. The server's log says why.";

  // `url`: --database-url; `name`: the database for the log (no password).
  PostgresHealthProbe(std::string url, std::string name);
  ~PostgresHealthProbe();
  PostgresHealthProbe(const PostgresHealthProbe&) = delete;
  PostgresHealthProbe& operator=(const PostgresHealthProbe&) = delete;

  // kOk, or kUnreachable (with the problem kUnreachable) while the database
  // does not answer.
  core::StoreHealth Health();

 private:
  void Loop();
  // "" when the database answered, else why not (libpq's words, for the log).
  std::string Probe();

  const std::string url_;
  const std::string name_;
  std::unique_ptr<PgConn> db_;  // the probe thread's only

  std::mutex mu_;
  std::condition_variable wake_;                        // the probe thread waits for a request
  std::condition_variable done_;                        // Health() waits for a probe
  bool requested_ = false;                              // guarded by mu_
  bool probing_ = false;                                // guarded by mu_
  bool stopping_ = false;                               // guarded by mu_
  bool reachable_ = true;                               // the last probe's result; guarded by mu_
  std::chrono::steady_clock::time_point checked_at_{};  // guarded by mu_
  std::chrono::steady_clock::time_point probe_started_{};  // guarded by mu_
  std::thread thread_;
};

}  // namespace rotor::storage
