//! IP networks as shop owners type them (`192.168.1.0/24`, a bare address), and how a
//! caller's address is matched against them. Imports only `domain` itself.

use std::net::IpAddr;

use super::values::parse_list;
use super::ParseError;

/// An IP network in CIDR form (`ipnet`'s); a bare address means that one host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet(ipnet::IpNet);

impl IpNet {
    /// The host bits of a network may be set (`192.168.1.5/24` is 192.168.1.0/24).
    pub fn parse(s: &str) -> Result<IpNet, ParseError> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().map_err(|_| ParseError::NetAddress {
            text: s.to_string(),
        })?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let invalid = || ParseError::NetPrefix {
            text: s.to_string(),
            max,
        };
        let prefix = match prefix {
            None => max,
            Some(p) => p.parse::<u8>().map_err(|_| invalid())?,
        };
        ipnet::IpNet::new(addr, prefix)
            .map(IpNet)
            .map_err(|_| invalid())
    }

    /// Whether `ip` is in this network; IPv4-mapped IPv6 addresses count as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

pub fn parse_cidr_list(v: &str) -> Result<Vec<IpNet>, ParseError> {
    parse_list(v)
        .iter()
        .map(|s| IpNet::parse(s))
        .collect::<Result<_, _>>()
        .map_err(|e| ParseError::NetList(Box::new(e)))
}
