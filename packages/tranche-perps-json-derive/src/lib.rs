//! `#[derive(FromJson)]`: a `tranche_perps_json::FromJson` implementation that decodes the JSON
//! form serde gives the same type, for the subset of serde's data model the suite's messages
//! use: structs with named fields (also empty `{}`), newtype structs, and externally tagged
//! enums with unit, newtype and struct variants. Serde attributes that change the wire form are
//! read (`rename_all = "snake_case"`, `rename`, `default`, `deny_unknown_fields`); any other
//! attribute that affects deserialization is rejected at compile time, so the two decoders can
//! never silently disagree about a type's shape.
//!
//! `#[derive(ToJson)]`: the `tranche_perps_json::ToJson` implementation that writes the bytes
//! serde-json-wasm writes for the same type and attributes; `skip_serializing_if` and
//! `serialize_with` are refused.

use proc_macro::TokenStream;
use proc_macro2::TokenStream as Tokens;
use quote::quote;
use syn::{parse_macro_input, Attribute, Data, DeriveInput, Error, Expr, Fields, LitStr, Result};

#[proc_macro_derive(ToJson, attributes(serde))]
pub fn derive_to_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand_to_json(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

#[proc_macro_derive(FromJson, attributes(serde))]
pub fn derive_from_json(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input)
        .unwrap_or_else(Error::into_compile_error)
        .into()
}

/// What the serde attributes of a container or a field say.
#[derive(Default)]
struct SerdeAttrs {
    rename: Option<String>,
    snake_case: bool,
    deny_unknown_fields: bool,
    /// `default` (None inside) or `default = "path"` (Some).
    default: Option<Option<syn::Path>>,
    /// An attribute that changes only the encoding (`skip_serializing_if`, `serialize_with`),
    /// which `ToJson` does not follow.
    changes_encoding: bool,
}

fn serde_attrs(attrs: &[Attribute]) -> Result<SerdeAttrs> {
    let mut out = SerdeAttrs::default();
    for attr in attrs.iter().filter(|a| a.path().is_ident("serde")) {
        attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(|i| i.to_string())
                .unwrap_or_default();
            match name.as_str() {
                "rename_all" => {
                    let value: LitStr = meta.value()?.parse()?;
                    if value.value() != "snake_case" {
                        return Err(
                            meta.error("FromJson supports rename_all = \"snake_case\" only")
                        );
                    }
                    out.snake_case = true;
                }
                "rename" => {
                    let value: LitStr = meta.value()?.parse()?;
                    out.rename = Some(value.value());
                }
                "deny_unknown_fields" => out.deny_unknown_fields = true,
                "default" => {
                    if meta.input.peek(syn::Token![=]) {
                        let value: LitStr = meta.value()?.parse()?;
                        out.default = Some(Some(value.parse()?));
                    } else {
                        out.default = Some(None);
                    }
                }
                // Serialization-only or bookkeeping attributes.
                "crate" | "skip_serializing_if" | "serialize_with" | "bound" => {
                    out.changes_encoding |= name != "crate" && name != "bound";
                    if meta.input.peek(syn::Token![=]) {
                        let _: Expr = meta.value()?.parse()?;
                    }
                }
                _ => {
                    return Err(meta.error(format!(
                        "serde attribute `{name}` is not supported by FromJson"
                    )))
                }
            }
            Ok(())
        })?;
    }
    Ok(out)
}

/// serde's `snake_case` renaming of a variant name.
fn snake_case(name: &str) -> String {
    let mut out = String::new();
    for (i, ch) in name.char_indices() {
        if ch.is_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.extend(ch.to_lowercase());
        } else {
            out.push(ch);
        }
    }
    out
}

/// A variant's tag: its `rename`, else its name, in snake case under `rename_all`.
fn variant_tag(container: &SerdeAttrs, variant: &syn::Variant) -> Result<String> {
    let attrs = serde_attrs(&variant.attrs)?;
    let name = variant.ident.to_string();
    Ok(attrs.rename.unwrap_or_else(|| {
        if container.snake_case {
            snake_case(&name)
        } else {
            name
        }
    }))
}

/// The decoding of named fields from the object `obj` into `path { .. }`.
fn named_fields(path: Tokens, fields: &syn::FieldsNamed, deny: bool) -> Result<Tokens> {
    let mut names = Vec::new();
    let mut inits = Vec::new();
    for field in &fields.named {
        let attrs = serde_attrs(&field.attrs)?;
        let ident = field.ident.as_ref().expect("named field");
        let key = attrs
            .rename
            .clone()
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        let key = LitStr::new(&key, ident.span());
        let init = match attrs.default {
            None => quote!(obj.get(#key)?),
            Some(None) => quote!(obj.get_or(#key, ::core::default::Default::default)?),
            Some(Some(path)) => quote!(obj.get_or(#key, #path)?),
        };
        names.push(key);
        inits.push(quote!(#ident: #init));
    }
    let known = if deny {
        quote!(::core::option::Option::Some(&[#(#names),*]))
    } else {
        quote!(::core::option::Option::None)
    };
    Ok(quote! {{
        let obj = value.object(#known)?;
        #path { #(#inits),* }
    }})
}

fn expand(input: &DeriveInput) -> Result<Tokens> {
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &input.generics,
            "FromJson does not support generic types",
        ));
    }
    let ident = &input.ident;
    let container = serde_attrs(&input.attrs)?;
    if container.default.is_some() || container.rename.is_some() {
        return Err(Error::new_spanned(
            ident,
            "container-level `default` and `rename` are not supported by FromJson",
        ));
    }
    let deny = container.deny_unknown_fields;
    let body = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => {
                let build = named_fields(quote!(#ident), fields, deny)?;
                quote!(::core::result::Result::Ok(#build))
            }
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => quote! {
                ::core::result::Result::Ok(#ident(
                    ::tranche_perps_json::FromJson::from_json(value)?
                ))
            },
            _ => {
                return Err(Error::new_spanned(
                    ident,
                    "FromJson supports structs with named fields or one unnamed field",
                ))
            }
        },
        Data::Enum(data) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                let vident = &variant.ident;
                let tag = LitStr::new(&variant_tag(&container, variant)?, vident.span());
                let arm = match &variant.fields {
                    Fields::Unit => quote! {
                        (#tag, ::core::option::Option::None) =>
                            ::core::result::Result::Ok(#ident::#vident),
                    },
                    Fields::Unnamed(fields) if fields.unnamed.len() == 1 => quote! {
                        (#tag, ::core::option::Option::Some(value)) =>
                            ::core::result::Result::Ok(#ident::#vident(
                                ::tranche_perps_json::FromJson::from_json(value)?
                            )),
                    },
                    Fields::Named(fields) => {
                        let build = named_fields(quote!(#ident::#vident), fields, deny)?;
                        quote! {
                            (#tag, ::core::option::Option::Some(value)) =>
                                ::core::result::Result::Ok(#build),
                        }
                    }
                    _ => {
                        return Err(Error::new_spanned(
                            vident,
                            "FromJson supports unit, newtype and struct variants",
                        ))
                    }
                };
                arms.push(arm);
            }
            quote! {
                match value.variant()? {
                    #(#arms)*
                    (tag, _) => ::core::result::Result::Err(
                        ::tranche_perps_json::Error::unknown_variant(tag)
                    ),
                }
            }
        }
        Data::Union(_) => return Err(Error::new_spanned(ident, "unions are not supported")),
    };
    Ok(quote! {
        impl ::tranche_perps_json::FromJson for #ident {
            fn from_json(
                value: &::tranche_perps_json::Json<'_>,
            ) -> ::core::result::Result<Self, ::tranche_perps_json::Error> {
                #body
            }
        }
    })
}

/// The member keys of named fields (after renames); refuses encoding-only attributes.
fn member_keys(fields: &syn::FieldsNamed) -> Result<Vec<(syn::Ident, String)>> {
    let mut keys = Vec::new();
    for field in &fields.named {
        let attrs = serde_attrs(&field.attrs)?;
        let ident = field.ident.clone().expect("named field");
        if attrs.changes_encoding {
            return Err(Error::new_spanned(
                &ident,
                "ToJson does not support skip_serializing_if or serialize_with",
            ));
        }
        let key = attrs
            .rename
            .unwrap_or_else(|| ident.to_string().trim_start_matches("r#").to_string());
        keys.push((ident, key));
    }
    Ok(keys)
}

/// Writes the members of named fields bound to local idents as a JSON object, `prefix` written
/// before the opening brace and `suffix` after the closing one. The constant text between
/// values is one byte string each, so a field costs one append and one call.
fn write_members(prefix: &str, keys: &[(syn::Ident, String)], suffix: &str) -> Tokens {
    if keys.is_empty() {
        let text = syn::LitByteStr::new(
            format!("{prefix}{{}}{suffix}").as_bytes(),
            proc_macro2::Span::call_site(),
        );
        return quote!(__out.extend_from_slice(#text););
    }
    let mut steps = Vec::new();
    for (i, (ident, key)) in keys.iter().enumerate() {
        let lead = if i == 0 {
            format!("{prefix}{{\"{key}\":")
        } else {
            format!(",\"{key}\":")
        };
        let lead = syn::LitByteStr::new(lead.as_bytes(), ident.span());
        steps.push(quote! {
            __out.extend_from_slice(#lead);
            ::tranche_perps_json::ToJson::write_json(#ident, __out);
        });
    }
    let close = syn::LitByteStr::new(
        format!("}}{suffix}").as_bytes(),
        proc_macro2::Span::call_site(),
    );
    quote!(#(#steps)* __out.extend_from_slice(#close);)
}

/// The JSON text serde-json-wasm gives a string (the tags and keys here need no escapes).
fn quoted(name: &str, span: proc_macro2::Span) -> Result<String> {
    if name
        .chars()
        .any(|c| c == '"' || c == '\\' || c.is_control())
    {
        return Err(Error::new(
            span,
            "ToJson needs names without quotes, backslashes or controls",
        ));
    }
    Ok(format!("\"{name}\""))
}

fn expand_to_json(input: &DeriveInput) -> Result<Tokens> {
    if !input.generics.params.is_empty() {
        return Err(Error::new_spanned(
            &input.generics,
            "ToJson does not support generic types",
        ));
    }
    let ident = &input.ident;
    let container = serde_attrs(&input.attrs)?;
    if container.rename.is_some() || container.changes_encoding {
        return Err(Error::new_spanned(
            ident,
            "container-level `rename` and encoding attributes are not supported by ToJson",
        ));
    }
    let body = match &input.data {
        Data::Struct(data) => match &data.fields {
            Fields::Named(fields) => {
                let keys = member_keys(fields)?;
                let idents = keys.iter().map(|(i, _)| i);
                let write = write_members("", &keys, "");
                quote! {
                    let #ident { #(#idents),* } = self;
                    #write
                }
            }
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => quote! {
                ::tranche_perps_json::ToJson::write_json(&self.0, __out);
            },
            _ => {
                return Err(Error::new_spanned(
                    ident,
                    "ToJson supports structs with named fields or one unnamed field",
                ))
            }
        },
        Data::Enum(data) => {
            let mut arms = Vec::new();
            for variant in &data.variants {
                let vident = &variant.ident;
                let tag = quoted(&variant_tag(&container, variant)?, vident.span())?;
                let arm = match &variant.fields {
                    Fields::Unit => {
                        let text = syn::LitByteStr::new(tag.as_bytes(), vident.span());
                        quote!(#ident::#vident => __out.extend_from_slice(#text),)
                    }
                    Fields::Unnamed(fields) if fields.unnamed.len() == 1 => {
                        let open =
                            syn::LitByteStr::new(format!("{{{tag}:").as_bytes(), vident.span());
                        quote! {
                            #ident::#vident(__value) => {
                                __out.extend_from_slice(#open);
                                ::tranche_perps_json::ToJson::write_json(__value, __out);
                                __out.push(b'}');
                            }
                        }
                    }
                    Fields::Named(fields) => {
                        let keys = member_keys(fields)?;
                        let idents = keys.iter().map(|(i, _)| i);
                        let write = write_members(&format!("{{{tag}:"), &keys, "}");
                        quote! {
                            #ident::#vident { #(#idents),* } => { #write }
                        }
                    }
                    _ => {
                        return Err(Error::new_spanned(
                            vident,
                            "ToJson supports unit, newtype and struct variants",
                        ))
                    }
                };
                arms.push(arm);
            }
            quote! {
                match self {
                    #(#arms)*
                }
            }
        }
        Data::Union(_) => return Err(Error::new_spanned(ident, "unions are not supported")),
    };
    Ok(quote! {
        impl ::tranche_perps_json::ToJson for #ident {
            fn write_json(&self, __out: &mut ::std::vec::Vec<u8>) {
                #body
            }
        }
    })
}
