//! The OData query options `/users` understands, with Graph's rules on which
//! of them are "advanced queries" that need `ConsistencyLevel: eventual`.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use uuid::Uuid;

use crate::directory::Directory;
use crate::error::GraphError;
use crate::model::User;

/// The user properties Graph returns when no `$select` is given.
pub const DEFAULT_USER_PROPERTIES: [&str; 11] = [
    "businessPhones",
    "displayName",
    "givenName",
    "jobTitle",
    "mail",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "surname",
    "userPrincipalName",
    "id",
];

/// Every user property the emulator can return, in Graph's spelling.
pub const USER_PROPERTIES: [&str; 18] = [
    "id",
    "displayName",
    "givenName",
    "surname",
    "userPrincipalName",
    "mail",
    "jobTitle",
    "department",
    "usageLocation",
    "accountEnabled",
    "createdDateTime",
    "assignedLicenses",
    "licenseAssignmentStates",
    "businessPhones",
    "mobilePhone",
    "officeLocation",
    "preferredLanguage",
    "signInActivity",
];

pub const MAX_PAGE_SIZE: usize = 999;
const DEFAULT_PAGE_SIZE: usize = 100;

/// `$select`: properties in Graph's spelling, whatever case was asked.
pub fn parse_select(value: Option<&str>) -> Result<Option<Vec<&'static str>>, GraphError> {
    let Some(value) = value else { return Ok(None) };
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|asked| {
            USER_PROPERTIES
                .iter()
                .find(|known| known.eq_ignore_ascii_case(asked))
                .copied()
                .ok_or_else(|| {
                    GraphError::bad_request(format!(
                        "Parsing OData Select and Expand failed: Could not find a property named '{asked}' on type 'microsoft.graph.user'."
                    ))
                })
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Text(String),
    Bool(bool),
    Null,
    Number(i64),
    Guid(Uuid),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Filter {
    And(Box<Filter>, Box<Filter>),
    Or(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare {
        property: &'static str,
        equal: bool,
        value: Value,
    },
    StartsWith {
        property: &'static str,
        prefix: String,
    },
    EndsWith {
        property: &'static str,
        suffix: String,
    },
    HasLicense(Uuid),
    LicenseCount {
        op: String,
        count: i64,
    },
}

const FILTERABLE: [&str; 10] = [
    "id",
    "displayName",
    "givenName",
    "surname",
    "userPrincipalName",
    "mail",
    "accountEnabled",
    "usageLocation",
    "department",
    "jobTitle",
];

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
    Comma,
    Colon,
}

fn tokenize(input: &str) -> Result<Vec<Token>, GraphError> {
    let mut tokens = Vec::new();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' => {
                chars.next();
                tokens.push(Token::Open);
            }
            ')' => {
                chars.next();
                tokens.push(Token::Close);
            }
            ',' => {
                chars.next();
                tokens.push(Token::Comma);
            }
            ':' => {
                chars.next();
                tokens.push(Token::Colon);
            }
            '\'' => {
                chars.next();
                let mut text = String::new();
                loop {
                    match chars.next() {
                        Some('\'') if chars.peek() == Some(&'\'') => {
                            chars.next();
                            text.push('\'');
                        }
                        Some('\'') => break,
                        Some(c) => text.push(c),
                        None => return Err(invalid_filter()),
                    }
                }
                tokens.push(Token::Text(text));
            }
            _ => {
                let mut word = String::new();
                while let Some(&c) = chars.peek() {
                    if c.is_alphanumeric() || "/$_.-".contains(c) {
                        word.push(c);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if word.is_empty() {
                    return Err(invalid_filter());
                }
                tokens.push(Token::Word(word));
            }
        }
    }
    Ok(tokens)
}

fn invalid_filter() -> GraphError {
    GraphError::bad_request("Invalid filter clause: syntax error.")
}

fn needs_eventual(property: &str) -> GraphError {
    GraphError::unsupported_query(format!(
        "Unsupported or invalid query filter clause specified for property '{property}' of resource 'User'."
    ))
}

struct Parser {
    tokens: Vec<Token>,
    at: usize,
    eventual: bool,
}

impl Parser {
    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    fn peek_word(&self, word: &str) -> bool {
        matches!(self.tokens.get(self.at), Some(Token::Word(w)) if w.eq_ignore_ascii_case(word))
    }

    fn expect(&mut self, expected: Token) -> Result<(), GraphError> {
        if self.next() == Some(expected) {
            Ok(())
        } else {
            Err(invalid_filter())
        }
    }

    fn or(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.and()?;
        while self.peek_word("or") {
            self.at += 1;
            left = Filter::Or(Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Filter, GraphError> {
        let mut left = self.term()?;
        while self.peek_word("and") {
            self.at += 1;
            left = Filter::And(Box::new(left), Box::new(self.term()?));
        }
        Ok(left)
    }

    fn property(&self, name: &str) -> Result<&'static str, GraphError> {
        FILTERABLE
            .iter()
            .find(|p| p.eq_ignore_ascii_case(name))
            .copied()
            .ok_or_else(|| {
                GraphError::bad_request(format!(
                    "Could not find a property named '{name}' on type 'microsoft.graph.user'."
                ))
            })
    }

    fn term(&mut self) -> Result<Filter, GraphError> {
        match self.next() {
            Some(Token::Open) => {
                let inner = self.or()?;
                self.expect(Token::Close)?;
                Ok(inner)
            }
            Some(Token::Word(word)) if word.eq_ignore_ascii_case("not") => {
                if !self.eventual {
                    return Err(GraphError::unsupported_query(
                        "Unsupported query: 'not' needs the header ConsistencyLevel: eventual and $count=true.",
                    ));
                }
                Ok(Filter::Not(Box::new(self.term()?)))
            }
            Some(Token::Word(word))
                if word.eq_ignore_ascii_case("startswith") || word.eq_ignore_ascii_case("endswith") =>
            {
                self.expect(Token::Open)?;
                let Some(Token::Word(name)) = self.next() else {
                    return Err(invalid_filter());
                };
                let property = self.property(&name)?;
                self.expect(Token::Comma)?;
                let Some(Token::Text(text)) = self.next() else {
                    return Err(invalid_filter());
                };
                self.expect(Token::Close)?;
                if word.eq_ignore_ascii_case("startswith") {
                    Ok(Filter::StartsWith {
                        property,
                        prefix: text,
                    })
                } else if self.eventual {
                    Ok(Filter::EndsWith {
                        property,
                        suffix: text,
                    })
                } else {
                    Err(needs_eventual(property))
                }
            }
            Some(Token::Word(word)) if word.eq_ignore_ascii_case("assignedLicenses/any") => {
                // assignedLicenses/any(x:x/skuId eq <guid>)
                self.expect(Token::Open)?;
                let Some(Token::Word(var)) = self.next() else {
                    return Err(invalid_filter());
                };
                self.expect(Token::Colon)?;
                let Some(Token::Word(path)) = self.next() else {
                    return Err(invalid_filter());
                };
                if !path.eq_ignore_ascii_case(&format!("{var}/skuId")) || !self.peek_word("eq") {
                    return Err(invalid_filter());
                }
                self.at += 1;
                let Some(Token::Word(guid)) = self.next() else {
                    return Err(GraphError::not_a_guid());
                };
                let sku_id = Uuid::parse_str(&guid).map_err(|_| GraphError::not_a_guid())?;
                self.expect(Token::Close)?;
                Ok(Filter::HasLicense(sku_id))
            }
            Some(Token::Word(word)) if word.eq_ignore_ascii_case("assignedLicenses/$count") => {
                if !self.eventual {
                    return Err(needs_eventual("assignedLicenses"));
                }
                let Some(Token::Word(op)) = self.next() else {
                    return Err(invalid_filter());
                };
                let Some(Token::Word(number)) = self.next() else {
                    return Err(invalid_filter());
                };
                let count = number.parse().map_err(|_| invalid_filter())?;
                let op = op.to_lowercase();
                if !["eq", "ne", "gt", "ge", "lt", "le"].contains(&op.as_str()) {
                    return Err(invalid_filter());
                }
                Ok(Filter::LicenseCount { op, count })
            }
            Some(Token::Word(name)) => {
                let property = self.property(&name)?;
                let Some(Token::Word(op)) = self.next() else {
                    return Err(invalid_filter());
                };
                let equal = match op.to_lowercase().as_str() {
                    "eq" => true,
                    "ne" if self.eventual => false,
                    "ne" => return Err(needs_eventual(property)),
                    _ => return Err(invalid_filter()),
                };
                let value = match self.next() {
                    Some(Token::Text(text)) => Value::Text(text),
                    Some(Token::Word(w)) if w == "true" => Value::Bool(true),
                    Some(Token::Word(w)) if w == "false" => Value::Bool(false),
                    Some(Token::Word(w)) if w == "null" => Value::Null,
                    Some(Token::Word(w)) => match (Uuid::parse_str(&w), w.parse()) {
                        (Ok(guid), _) => Value::Guid(guid),
                        (_, Ok(number)) => Value::Number(number),
                        _ => return Err(invalid_filter()),
                    },
                    _ => return Err(invalid_filter()),
                };
                Ok(Filter::Compare {
                    property,
                    equal,
                    value,
                })
            }
            _ => Err(invalid_filter()),
        }
    }
}

pub fn parse_filter(input: &str, eventual: bool) -> Result<Filter, GraphError> {
    let mut parser = Parser {
        tokens: tokenize(input)?,
        at: 0,
        eventual,
    };
    let filter = parser.or()?;
    if parser.at != parser.tokens.len() {
        return Err(invalid_filter());
    }
    Ok(filter)
}

/// Whether `text` starts with `prefix`, case ignored. When both start in
/// ASCII, as most names do, only the prefix's length is compared in place:
/// a filter is matched against every user, and lower-casing a copy of each
/// cost more than the rest of the answer.
fn starts_with_ignoring_case(text: &str, prefix: &str) -> bool {
    match text.as_bytes().get(..prefix.len()) {
        Some(start) if start.is_ascii() && prefix.is_ascii() => start.eq_ignore_ascii_case(prefix.as_bytes()),
        _ => text.to_lowercase().starts_with(&prefix.to_lowercase()),
    }
}

fn text_property<'u>(user: &'u User, property: &str) -> Option<&'u str> {
    match property {
        "displayName" => Some(&user.display_name),
        "givenName" => user.given_name.as_deref(),
        "surname" => user.surname.as_deref(),
        "userPrincipalName" => Some(&user.user_principal_name),
        "mail" => user.mail.as_deref(),
        "usageLocation" => user.usage_location.as_deref(),
        "department" => user.department.as_deref(),
        "jobTitle" => user.job_title.as_deref(),
        _ => None,
    }
}

impl Filter {
    pub fn matches(&self, directory: &Directory, user: &User) -> bool {
        match self {
            Filter::And(a, b) => a.matches(directory, user) && b.matches(directory, user),
            Filter::Or(a, b) => a.matches(directory, user) || b.matches(directory, user),
            Filter::Not(inner) => !inner.matches(directory, user),
            Filter::Compare {
                property,
                equal,
                value,
            } => {
                let same = match (*property, value) {
                    ("accountEnabled", Value::Bool(b)) => user.account_enabled == *b,
                    ("id", Value::Text(t)) => user.id.to_string().eq_ignore_ascii_case(t),
                    ("id", Value::Guid(g)) => user.id == *g,
                    (p, Value::Text(t)) => text_property(user, p).is_some_and(|v| v.eq_ignore_ascii_case(t)),
                    (p, Value::Null) => {
                        p != "accountEnabled" && p != "id" && text_property(user, p).is_none()
                    }
                    _ => false,
                };
                same == *equal
            }
            Filter::StartsWith { property, prefix } => {
                text_property(user, property).is_some_and(|v| starts_with_ignoring_case(v, prefix))
            }
            Filter::EndsWith { property, suffix } => text_property(user, property)
                .is_some_and(|v| v.to_lowercase().ends_with(&suffix.to_lowercase())),
            Filter::HasLicense(sku_id) => directory
                .assigned_licenses(user)
                .iter()
                .any(|l| l.sku_id == *sku_id),
            Filter::LicenseCount { op, count } => {
                let n = directory.assigned_licenses(user).len() as i64;
                match op.as_str() {
                    "eq" => n == *count,
                    "ne" => n != *count,
                    "gt" => n > *count,
                    "ge" => n >= *count,
                    "lt" => n < *count,
                    _ => n <= *count,
                }
            }
        }
    }
}

/// `$search="displayName:ann" OR "mail:ann"`: each clause matches a word of
/// the property that starts with the term, as Graph's tokenised search does.
#[derive(Debug, Clone, PartialEq)]
pub struct Search {
    clauses: Vec<(&'static str, String)>,
    any: bool,
}

pub fn parse_search(input: &str) -> Result<Search, GraphError> {
    let invalid = || {
        GraphError::bad_request(format!(
            "Syntax error: character '{input}' is not valid at position 0 in '$search'."
        ))
    };
    let mut clauses = Vec::new();
    let mut any = false;
    let mut rest = input.trim();
    while !rest.is_empty() {
        let quoted = rest.strip_prefix('"').ok_or_else(invalid)?;
        let end = quoted.find('"').ok_or_else(invalid)?;
        let (property, term) = quoted[..end].split_once(':').ok_or_else(invalid)?;
        let property = FILTERABLE
            .iter()
            .find(|p| p.eq_ignore_ascii_case(property.trim()))
            .copied()
            .ok_or_else(invalid)?;
        clauses.push((property, term.trim().to_lowercase()));
        rest = quoted[end + 1..].trim_start();
        if let Some(after) = rest.strip_prefix("OR ") {
            any = true;
            rest = after.trim_start();
        } else if let Some(after) = rest.strip_prefix("AND ") {
            rest = after.trim_start();
        }
    }
    if clauses.is_empty() {
        return Err(invalid());
    }
    Ok(Search { clauses, any })
}

impl Search {
    pub fn matches(&self, user: &User) -> bool {
        let clause = |(property, term): &(&str, String)| {
            text_property(user, property).is_some_and(|value| {
                value
                    .to_lowercase()
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|word| word.starts_with(term.as_str()))
                    || value.to_lowercase().starts_with(term.as_str())
            })
        };
        if self.any {
            self.clauses.iter().any(clause)
        } else {
            self.clauses.iter().all(clause)
        }
    }
}

/// Everything `GET /users` was asked, checked against Graph's rules.
pub struct UsersQuery {
    pub select: Option<Vec<&'static str>>,
    pub top: usize,
    pub filter: Option<Filter>,
    pub search: Option<Search>,
    pub count: bool,
    pub order_by: Option<(&'static str, bool)>,
    /// Where in the (ordered) user list this page starts.
    pub start: usize,
}

impl UsersQuery {
    pub fn parse(params: &[(String, String)], eventual: bool) -> Result<Self, GraphError> {
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v.as_str())
        };
        let select = parse_select(get("$select"))?;
        let top = match get("$top") {
            None => DEFAULT_PAGE_SIZE,
            Some(value) => match value.parse::<usize>() {
                Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
                _ => {
                    return Err(GraphError::bad_request(format!(
                        "Invalid page size specified: '{value}'. Must be between 1 and 999 inclusive."
                    )))
                }
            },
        };
        if get("$skip").is_some() {
            return Err(GraphError::bad_request(
                "'$skip' is not supported by the service.",
            ));
        }
        let count = match get("$count") {
            None | Some("false") => false,
            Some("true") if eventual => true,
            Some("true") => {
                return Err(GraphError::unsupported_query(
                    "$count is only supported with the header ConsistencyLevel: eventual.",
                ))
            }
            Some(_) => return Err(GraphError::bad_request("Invalid value for $count.")),
        };
        let search = match get("$search") {
            None => None,
            Some(_) if !eventual => {
                return Err(GraphError::unsupported_query(
                    "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'",
                ))
            }
            Some(value) => Some(parse_search(value)?),
        };
        let filter = get("$filter").map(|f| parse_filter(f, eventual)).transpose()?;
        let order_by = match get("$orderby") {
            None => None,
            Some(value) => {
                let mut parts = value.split_whitespace();
                let name = parts.next().unwrap_or_default();
                let property = ["displayName", "userPrincipalName"]
                    .into_iter()
                    .find(|p| p.eq_ignore_ascii_case(name))
                    .ok_or_else(|| {
                        GraphError::unsupported_query("Sorting not supported for current query.")
                    })?;
                let descending = parts.next().is_some_and(|d| d.eq_ignore_ascii_case("desc"));
                if (filter.is_some() || search.is_some()) && !eventual {
                    return Err(GraphError::unsupported_query(
                        "Sorting not supported for current query.",
                    ));
                }
                Some((property, descending))
            }
        };
        let start = get("$skiptoken").map(decode_skiptoken).transpose()?.unwrap_or(0);
        Ok(Self {
            select,
            top,
            filter,
            search,
            count,
            order_by,
            start,
        })
    }

    pub fn matches(&self, directory: &Directory, user: &User) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(directory, user))
            && self.search.as_ref().is_none_or(|s| s.matches(user))
    }
}

pub fn encode_skiptoken(position: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("RFNwdAIAA:{position}"))
}

fn decode_skiptoken(token: &str) -> Result<usize, GraphError> {
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix("RFNwdAIAA:").and_then(|n| n.parse().ok()))
        .ok_or_else(|| {
            GraphError::bad_request(
                "The specified page token value has expired and can no longer be included in your request.",
            )
        })
}
