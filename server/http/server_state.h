// ServerState: what the listener, the sessions and the shutdown sequence share:
// whether the server is stopping and how many requests are in flight.
#pragma once

#include <atomic>

namespace rotor::server::http {

class ServerState {
 public:
  bool stopping() const { return stopping_.load(std::memory_order_acquire); }
  void BeginStop() { stopping_.store(true, std::memory_order_release); }
  int in_flight() const { return in_flight_.load(std::memory_order_acquire); }

  // Counts a request from parse to response written.
  class InFlight {
   public:
    explicit InFlight(ServerState& s) : s_(s) {
      s_.in_flight_.fetch_add(1, std::memory_order_acq_rel);
    }
    ~InFlight() { s_.in_flight_.fetch_sub(1, std::memory_order_acq_rel); }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;

   private:
    ServerState& s_;
  };

 private:
  std::atomic<bool> stopping_{false};
  std::atomic<int> in_flight_{0};
};

}  // namespace rotor::server::http
