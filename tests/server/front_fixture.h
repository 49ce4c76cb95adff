// The KMS API and the admin API of one KmsService (in-memory repository,
// virtual clock at 2026-01-01T00:00:00Z) behind the FrontDispatcher, wired as
// server/main.cc wires them, injected faults included (no rules: no effect),
// for the server's tests. Each request is kept until the fixture ends, as the
// HTTP session keeps a held request alive until it resumes it (a Hold's
// resume reads it).
#pragma once

#include <deque>
#include <string>

#include "core/fault_rules.h"
#include "core/key_inventory.h"
#include "core/key_sealer.h"
#include "server/front_dispatcher.h"
#include "server/wire/router.h"
#include "storage/memory_key_repository.h"

namespace rotor::testing {

struct FrontFixture {
  FrontFixture()
      : sealer(random.Secret(32), random),
        service(repo, sealer, random, core::ServiceConfig{}),
        admin(service, inventory, clock, &clock, nullptr, AdminWithFaults(&faults)),
        router(service, clock, RouterWithFaults(&faults)),
        front(router, admin) {}

  // POST / with X-Amz-Target TrentService.<op> and `body`, the Authorization
  // header `auth` when not empty, from a loopback peer or not; `hold`
  // receives an injected delay or drop.
  server::http::HttpResponse Call(const std::string& op, const std::string& body,
                                  const std::string& auth = "", bool loopback = true,
                                  server::http::Hold* hold = nullptr) {
    server::http::HttpRequest& req = requests.emplace_back(server::http::verb::post, "/", 11);
    req.set("X-Amz-Target", "TrentService." + op);
    req.set("Content-Type", "application/x-amz-json-1.1");
    if (!auth.empty()) req.set("Authorization", auth);
    req.body() = body;
    req.prepare_payload();
    server::http::Route route = front.Find(req);
    route.hold = hold;
    return front.Handle(req, {"127.0.0.1", loopback}, route);
  }
  // An admin API request from 10.0.0.5, said to be on loopback or not.
  server::http::HttpResponse Admin(server::http::verb verb, const std::string& path,
                                   const std::string& body = "", bool loopback = true) {
    server::http::HttpRequest& req = requests.emplace_back(verb, path, 11);
    req.body() = body;
    req.prepare_payload();
    return front.Handle(req, {"10.0.0.5", loopback});
  }

  static server::admin::AdminOptions AdminWithFaults(core::FaultRules* faults) {
    server::admin::AdminOptions o{"", "test"};
    o.faults = faults;
    return o;
  }
  static server::wire::RouterOptions RouterWithFaults(core::FaultRules* faults) {
    server::wire::RouterOptions o;
    o.faults = faults;
    return o;
  }

  std::deque<server::http::HttpRequest> requests;
  core::SeededRandom random{11};
  core::VirtualClock clock{*core::ParseIso8601("2026-01-01T00:00:00Z")};
  storage::MemoryKeyRepository repo;
  core::KeySealer sealer;
  core::KmsService service;
  core::KeyInventory inventory{repo};
  core::FaultRules faults;
  server::admin::AdminEndpoints admin;
  server::wire::Router router;
  server::FrontDispatcher front;
};

}  // namespace rotor::testing
