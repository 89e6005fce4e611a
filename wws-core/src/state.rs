//! The state machines of every object, as pure functions (no I/O, no clock).

macro_rules! state_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $v:ident),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vm])* $v),+ }

        impl $name {
            /// Every state, for exhaustive tests.
            pub const ALL: &'static [$name] = &[$($name::$v),+];

            /// The state's name, as used in errors.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$v => stringify!($v)),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

state_enum! {
    /// States of a channel (`WS_CHANNEL_STATE`).
    ChannelState {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// A server channel waiting in accept.
        Accepting,
        /// Ready for I/O.
        Open,
        /// Broken by abort or a transport error; only close/abort allowed.
        Faulted,
        /// `close` in progress.
        Closing,
        /// Closed; `reset` makes it Created again.
        Closed,
    }
}

state_enum! {
    /// States of a listener (`WS_LISTENER_STATE`).
    ListenerState {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// Accepting channels.
        Open,
        /// Aborted or failed; accepts fail with `ObjectFaulted`.
        Faulted,
        /// `close` in progress.
        Closing,
        /// Closed.
        Closed,
    }
}

state_enum! {
    /// States of a service proxy (`WS_SERVICE_PROXY_STATE`).
    ServiceProxyState {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// Calls allowed.
        Open,
        /// `close` in progress: no new calls, pending ones finish.
        Closing,
        /// Closed.
        Closed,
        /// Aborted or broken; new calls fail with `ObjectFaulted`.
        Faulted,
    }
}

state_enum! {
    /// States of a service host (`WS_SERVICE_HOST_STATE`).
    ServiceHostState {
        /// Made, not yet opened.
        Created,
        /// `open` in progress.
        Opening,
        /// Serving.
        Open,
        /// `close` in progress: not accepting, in-flight operations finish.
        Closing,
        /// Closed.
        Closed,
        /// Aborted or failed.
        Faulted,
    }
}
