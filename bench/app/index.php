<?php echo 'Hello';
