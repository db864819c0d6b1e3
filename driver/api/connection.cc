// PLACEHOLDER: replaced by the real implementation.
#include "cvirt/connection.h"

namespace cvirt {
#define NI throw Error(ErrorCode::Internal, "not implemented")
class ConnectionImpl {};
std::string_view stateName(DomainState) { NI; }
std::string_view stateReasonName(DomainState, int) { NI; }
DomainInfo Domain::info() const { NI; }
DomainSummary Domain::summary() const { NI; }
std::string Domain::xml(bool) const { NI; }
void Domain::undefine() { NI; }
void Domain::setAutostart(bool) { NI; }
bool Domain::autostart() const { NI; }
Connection Connection::open(std::string_view) { NI; }
std::string Connection::defaultUri() { NI; }
const std::string& Connection::uri() const { NI; }
Domain Connection::define(std::string_view, std::string_view) { NI; }
Domain Connection::lookup(std::string_view) const { NI; }
std::optional<Domain> Connection::find(std::string_view) const { NI; }
std::vector<DomainSummary> Connection::list(const ListFilter&) const { NI; }
std::vector<std::string> Connection::domainNames() const { NI; }
std::string_view version() { return CVIRT_VERSION; }
}  // namespace cvirt
