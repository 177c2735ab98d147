#include "pool_fixture.h"
