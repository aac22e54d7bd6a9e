//! Any word must expand (or fail with a message) without panicking, in every
//! lexer mode, with an environment that has set, empty and special names.
#![no_main]

use layerlab_core::expand::{Env, Lexer};

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let Some((&mode, word)) = data.split_first() else { return };
    let word = String::from_utf8_lossy(word);
    let env = Env::from_pairs(["A=a b", "EMPTY=", "P=/usr/local/bin", "K=한국어"]);
    let mut lexer = Lexer::new(if mode & 1 == 0 { '\\' } else { '`' });
    lexer.raw_quotes = mode & 2 != 0;
    lexer.raw_escapes = mode & 4 != 0;
    lexer.skip_process_quotes = mode & 8 != 0;
    lexer.skip_unset_env = mode & 16 != 0;
    lexer.case_insensitive_env = mode & 32 != 0;
    let _ = lexer.expand(&word, &env);
});
